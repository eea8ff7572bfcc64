/**
 * The browser's side of a repair link: which tokens are worth sending, and
 * the address without the link. Pure.
 */

/** Tokens are base64url and at most 512 characters (the host backend's contract). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,512}$/;

/** Whether a token has the shape the host issues; anything else is refused without a request. */
export function isRepairLinkToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_SHAPE.test(value);
}

function decodeKey(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Takes `param` out of a query string (`?a=1&meld_repair=...&b=2`): its first
 * value, and the query without any of its occurrences. The other pairs stay
 * exactly as written (order, encoding, pairs without `=`), so the address bar
 * changes only where the link was. `value` is `undefined` when it is absent.
 */
export function withoutParam(search: string, param: string): { value: string | undefined; search: string } {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return { value: undefined, search };
  let value: string | undefined;
  const kept: string[] = [];
  for (const pair of query.split('&')) {
    const at = pair.indexOf('=');
    const key = at === -1 ? pair : pair.slice(0, at);
    if (decodeKey(key) !== param) {
      kept.push(pair);
      continue;
    }
    if (value === undefined) value = decodeKey(at === -1 ? '' : pair.slice(at + 1)) ?? '';
  }
  if (value === undefined) return { value, search };
  const rest = kept.filter((pair) => pair !== '').join('&');
  return { value, search: rest === '' ? '' : `?${rest}` };
}
