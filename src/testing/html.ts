// Small helpers for the simulator's two HTML pages: escaping, JSON inside a
// <script>, and answers with a nonce-based Content-Security-Policy.
import { randomId } from './statusRules.js';

/** Text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end the <script> element it sits in. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A page built with a fresh nonce for its inline style and script. */
export function htmlResponse(status: number, build: (nonce: string) => string, extraCsp = ''): Response {
  const nonce = randomId();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    extraCsp,
  ]
    .filter(Boolean)
    .join('; ');
  return new Response(build(nonce), {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
    },
  });
}

/** The pages' shared look: system font, high contrast, visible focus, no external assets. */
export const BASE_CSS = `
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; background: #fff; }
  h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
  h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  p { margin: 0 0 1rem; }
  .muted { color: #3d4450; }
  .tag { display: inline-block; font-size: .8rem; padding: 0 .5rem; border-radius: 999px; background: #eceff3; color: #1a1a1a; margin-bottom: .75rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input, select { width: 100%; padding: .5rem; border: 1px solid #6b7380; border-radius: 6px; font: inherit; color: inherit; background: #fff; }
  button { padding: .6rem .9rem; border: 0; border-radius: 6px; font: inherit; cursor: pointer; background: #1f4fd1; color: #fff; }
  button.secondary { background: #eceff3; color: #1a1a1a; }
  button:disabled { cursor: progress; opacity: .75; }
  :focus-visible { outline: 3px solid #b34700; outline-offset: 2px; }
  .error { color: #a4161a; }
  [hidden] { display: none !important; }
`;
