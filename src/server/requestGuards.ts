// Checks the reconnect handler runs before it trusts a request: who sent a
// change (a page of this site, or a cross-site form?), in what format, and a
// body read with a hard cap while it streams in.
import { badRequest, originNotAllowed, payloadTooLarge, unsupportedMediaType } from './httpResponses.js';

/** The update route's body is `{ "products": [...] }`: 16 KiB is far more than it needs. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** `allowedOrigins` as a set of serialized origins; throws a TypeError that names the fix. */
export function toOriginSet(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  const fix =
    "meld-reconnect-kit/server: createReconnectHandler's allowedOrigins is a list of origins (scheme, host and port, no path), e.g. allowedOrigins: ['https://app.example.com'].";
  if (!Array.isArray(value)) throw new TypeError(fix);
  const out = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || !URL.canParse(item)) throw new TypeError(fix);
    const url = new URL(item);
    // An opaque origin ('null') or a path, query or credentials would never match a browser's Origin header.
    if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash || url.username || url.password) throw new TypeError(fix);
    out.add(url.origin);
  }
  return out;
}

/** A positive whole number of bytes, or the default; throws a TypeError that names the fix. */
export function toMaxBodyBytes(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_BODY_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError("meld-reconnect-kit/server: createReconnectHandler's maxBodyBytes is a whole number of bytes, e.g. maxBodyBytes: 16 * 1024.");
  }
  return value;
}

function hostOf(origin: string): string | undefined {
  return URL.canParse(origin) ? new URL(origin).host : undefined;
}

/**
 * 403 unless a change comes from the site's own pages (or an allowed origin).
 *
 * - `Sec-Fetch-Site: same-origin` passes: the browser vouches for the page,
 *   whatever host a proxy rewrote `request.url` to.
 * - Otherwise an `Origin` must be in `allowed`, or, from a browser that sends
 *   no `Sec-Fetch-Site`, be the request's own origin (its URL's, or its `Host`).
 * - A request with neither header is not from a browser (a script, another
 *   server): it carries no cookies a page could borrow, so it passes.
 */
export function refuseCrossSite(request: Request, allowed: ReadonlySet<string>): Response | undefined {
  const site = request.headers.get('sec-fetch-site')?.trim().toLowerCase();
  const origin = request.headers.get('origin')?.trim();
  if (site === 'same-origin') return undefined;
  if (origin === undefined) return site === undefined ? undefined : originNotAllowed();
  if (allowed.has(origin)) return undefined;
  if (site === undefined && origin !== 'null') {
    if (URL.canParse(request.url) && new URL(request.url).origin === origin) return undefined;
    const host = request.headers.get('host');
    if (host && hostOf(origin) === host.toLowerCase()) return undefined;
  }
  return originNotAllowed();
}

/** 415 unless the request says `content-type: application/json` (a cross-site form cannot). */
export function refuseNonJson(request: Request): Response | undefined {
  const type = request.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
  return type === 'application/json' ? undefined : unsupportedMediaType();
}

/**
 * The body as text, reading at most `maxBytes` (plus the chunk that crossed
 * it) before answering 413 and cancelling the stream. A declared
 * `Content-Length` over the cap is refused without reading anything.
 */
export async function readBoundedText(request: Request, maxBytes: number): Promise<string | Response> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    return payloadTooLarge(maxBytes);
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return payloadTooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (request.signal.aborted) throw error;
    return badRequest('The body could not be read.');
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return badRequest('The body is not UTF-8 text.');
  }
}
