// The guides live as Markdown in docs/ (they ship in the package and read on a code host);
// their Storybook pages render those same files. Two things differ in Storybook: links to
// another guide open its Storybook page, and a page may hold live blocks (tables rendered
// from the kit's own data) where the Markdown has a `<!-- live: name -->` marker.

/** Storybook's page for each guide's file. */
const PAGES: Readonly<Record<string, string>> = {
  'getting-started.md': 'docs-getting-started--docs',
  'connecting-your-backend.md': 'docs-connecting-your-backend--docs',
  'backend.md': 'docs-backend--docs',
  'testing.md': 'docs-testing--docs',
  'status-table.md': 'docs-status-table--docs',
  'status-to-prompt.md': 'docs-status-to-prompt--docs',
  'theming.md': 'docs-theming--docs',
  'meld-fidelity.md': 'docs-meld-fidelity--docs',
  'SECURITY.md': 'docs-security--docs',
  'widget-and-flow.md': 'docs-widget-and-reconnect-flow--docs',
  'renewal-and-notifications.md': 'docs-renewal-and-notifications--docs',
};

/** Rewrites relative links between the guides (`backend.md`, `../SECURITY.md#x`) to their Storybook pages. */
export function storybookLinks(markdown: string): string {
  return markdown.replace(/\]\((?:\.{1,2}\/)*(?:docs\/|stories\/)?([\w.-]+\.mdx?)(?:#[\w-]*)?\)/g, (link, file: string) =>
    PAGES[file] ? `](?path=/docs/${PAGES[file]})` : link,
  );
}

/**
 * The Markdown of a guide cut at its live-block markers, in order, with Storybook links:
 * `sections(page, 'tokens', 'brand-themes')` gives the text before, between and after them.
 * Throws when a marker is missing, so a guide and its page cannot drift apart unnoticed.
 */
export function sections(markdown: string, ...markers: string[]): string[] {
  const parts: string[] = [];
  let rest = storybookLinks(markdown);
  for (const name of markers) {
    const marker = `<!-- live: ${name} -->`;
    const at = rest.indexOf(marker);
    if (at === -1) throw new Error(`The guide has no ${marker} marker.`);
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + marker.length);
  }
  parts.push(rest);
  return parts;
}
