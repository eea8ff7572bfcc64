// @vitest-environment node
// The guides are Markdown in docs/ (they ship in the package); Storybook's docs pages render
// those same files, never a copy of their text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sections, storybookLinks } from '../../stories/docs/docPage.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const guides = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
const pages = readdirSync(join(root, 'stories'))
  .filter((f) => f.endsWith('.mdx'))
  .map((file) => ({ file, text: readFileSync(join(root, 'stories', file), 'utf8') }));

describe('the guides', () => {
  it.each(guides)('given docs/%s, should have a Storybook page that renders the file itself', (guide) => {
    const page = pages.find((p) => p.text.includes(`from '../docs/${guide}?raw'`));
    expect(page, `no stories/*.mdx imports docs/${guide}`).toBeDefined();
    // No text of its own: headings and prose come from the Markdown.
    expect(page!.text).not.toMatch(/^#{1,6} /m);
    // Every marker the page cuts at is in the guide (sections() throws otherwise).
    const cut = /sections\(guide, ([^)]*)\)/.exec(page!.text)?.[1];
    const markers = cut ? [...cut.matchAll(/'([^']+)'/g)].map((m) => m[1]!) : [];
    expect(() => sections(readFileSync(join(root, 'docs', guide), 'utf8'), ...markers)).not.toThrow();
  });

  it.each(guides)('given docs/%s, should link only to files that exist', (guide) => {
    const text = readFileSync(join(root, 'docs', guide), 'utf8');
    for (const [, target] of text.matchAll(/\]\((?!https?:|#|\?)([^)#]+)(?:#[^)]*)?\)/g)) {
      expect(() => readFileSync(join(root, 'docs', target!)), `${guide} links to ${target}`).not.toThrow();
    }
  });

  it('should turn links between guides into Storybook pages, and leave others alone', () => {
    expect(storybookLinks('see [Backend](backend.md#errors) and [Security](../SECURITY.md), [Meld](https://meld.io)')).toBe(
      'see [Backend](?path=/docs/docs-backend--docs) and [Security](?path=/docs/docs-security--docs), [Meld](https://meld.io)',
    );
  });

  it('given a marker missing from a guide, should say so', () => {
    expect(() => sections('# A\n<!-- live: one -->\ntext', 'one', 'two')).toThrow('<!-- live: two -->');
    expect(sections('a<!-- live: one -->b', 'one')).toEqual(['a', 'b']);
  });
});
