// Reads the kit's stylesheets as text, so the theming docs list exactly the
// tokens and component variables that ship.
import componentsCss from '../../src/theme/components.css?raw';
import tokensCss from '../../src/theme/tokens.css?raw';

export interface CssRule {
  selector: string;
  body: string;
}

export interface Token {
  name: string;
  light: string;
  /** The dark theme's value, when it redefines the token. */
  dark: string | undefined;
}

export interface ComponentVariable {
  name: string;
  /** What it falls back to (usually a token). */
  fallback: string;
  /** The selectors whose rules read it. */
  usedBy: string[];
}

/** Innermost rules (`selector { declarations }`), comments removed; rules inside `@media` come out flat. */
export function cssRules(css: string): CssRule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  return [...text.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((match) => ({
    selector: (match[1] ?? '').trim().replace(/\s+/g, ' '),
    body: match[2] ?? '',
  }));
}

/** `--mrk-*` declarations of a rule body, in order. */
export function declarations(body: string): Map<string, string> {
  return new Map([...body.matchAll(/(--mrk-[\w-]+)\s*:\s*([^;]+);/g)].map((match) => [match[1] ?? '', (match[2] ?? '').trim()]));
}

/** The global tokens: every `--mrk-*` of the light (`:root`) rule, with the dark rule's value beside it. */
export function parseTokens(css: string = tokensCss): Token[] {
  const rules = cssRules(css);
  const light = rules.find((rule) => rule.selector.split(',').some((part) => part.trim() === ':root'));
  const dark = rules.find((rule) => rule.selector === "[data-mrk-theme='dark']");
  const darkValues = dark ? declarations(dark.body) : new Map<string, string>();
  return [...(light ? declarations(light.body) : new Map<string, string>())].map(([name, value]) => ({
    name,
    light: value,
    dark: darkValues.get(name),
  }));
}

/** `var(--name, fallback)` occurrences in `text`, nested ones included (parentheses balanced by hand). */
function varReferences(text: string): Array<{ name: string; fallback: string | undefined }> {
  const found: Array<{ name: string; fallback: string | undefined }> = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('var(', from);
    if (start === -1) return found;
    let depth = 0;
    let end = start + 3;
    for (; end < text.length; end += 1) {
      if (text[end] === '(') depth += 1;
      else if (text[end] === ')' && --depth === 0) break;
    }
    const inner = text.slice(start + 4, end);
    const comma = inner.indexOf(',');
    found.push({
      name: (comma === -1 ? inner : inner.slice(0, comma)).trim(),
      fallback: comma === -1 ? undefined : inner.slice(comma + 1).trim(),
    });
    from = start + 4;
  }
}

/**
 * The per-component variables: every `--mrk-*` that components.css reads
 * with a fallback and that is not a global token.
 */
export function parseComponentVariables(css: string = componentsCss, tokens: readonly Token[] = parseTokens()): ComponentVariable[] {
  const tokenNames = new Set(tokens.map((token) => token.name));
  const byName = new Map<string, ComponentVariable>();
  for (const rule of cssRules(css)) {
    for (const { name, fallback } of varReferences(rule.body)) {
      if (!name.startsWith('--mrk-') || tokenNames.has(name) || fallback === undefined) continue;
      const entry = byName.get(name) ?? { name, fallback, usedBy: [] };
      if (!entry.usedBy.includes(rule.selector)) entry.usedBy.push(rule.selector);
      byName.set(name, entry);
    }
  }
  return [...byName.values()];
}
