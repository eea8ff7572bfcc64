import { createHmac, timingSafeEqual } from 'node:crypto';

/** Request headers as a `Headers` object or a plain object (Node's `req.headers`). */
export type HeadersLike = Headers | Record<string, string | readonly string[] | undefined>;

/** A webhook body exactly as it arrived. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Options for {@link verifyMeldWebhook}. */
export interface VerifyMeldWebhookOptions {
  /** The webhook secret from Meld's dashboard. */
  secret: string;
  /** The webhook URL exactly as registered with Meld (scheme, host, path). */
  url: string;
  /** The body bytes as received: not re-serialized JSON. */
  rawBody: RawBody;
  /** Must carry `meld-signature` and `meld-signature-timestamp`. */
  headers: HeadersLike;
  /** How far the timestamp may be from now, either way. Defaults to 300 s. */
  toleranceSeconds?: number | undefined;
  /** The current time (a `Date` or epoch milliseconds). Defaults to `Date.now()`. */
  now?: Date | number | undefined;
}

/** Options for {@link signMeldWebhook}. */
export interface SignMeldWebhookOptions {
  secret: string;
  url: string;
  rawBody: RawBody;
  /** The `meld-signature-timestamp` value, exactly as sent. */
  timestamp: string;
}

const SIGNATURE_HEADER = 'meld-signature';
const TIMESTAMP_HEADER = 'meld-signature-timestamp';
const DEFAULT_TOLERANCE_SECONDS = 300;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const EPOCH = /^\d{1,13}(?:\.\d{1,9})?$/;
// 32 bytes of HMAC-SHA256 in base64 (either alphabet), padding optional.
const SIGNATURE = /^[A-Za-z0-9+/_-]{43}=?$/;

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as Headers)?.get === 'function') return (headers as Headers).get(name) ?? undefined;
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}

function bytes(body: RawBody): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('meld-reconnect-kit/server: rawBody must be the body as received: a string, Uint8Array/Buffer or ArrayBuffer.');
}

/** A `meld-signature-timestamp` value as epoch milliseconds: ISO-8601 with a zone, or epoch seconds. */
function parseTimestamp(value: string): number | undefined {
  if (value.length > 64) return undefined;
  if (EPOCH.test(value)) {
    const n = Number(value);
    // Epoch seconds as Meld's integrators report; 13 digits can only be milliseconds.
    return n >= 1e12 ? n : n * 1000;
  }
  if (!ISO_8601.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function hmac(secret: string, url: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${timestamp}.${url}.`, 'utf8'))
    .update(rawBody)
    .digest();
}

function checkConfig(secret: unknown, url: unknown, caller: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError(`meld-reconnect-kit/server: ${caller} needs { secret }: the webhook secret from Meld's dashboard, e.g. process.env.MELD_WEBHOOK_SECRET.`);
  }
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new TypeError(`meld-reconnect-kit/server: ${caller} needs { url }: the webhook URL exactly as registered with Meld, e.g. 'https://example.com/api/meld/webhooks'.`);
  }
}

/**
 * Computes Meld's webhook signature:
 * base64url (with padding) of HMAC-SHA256(secret, `timestamp + "." + url + "." + rawBody`).
 * For your tests and simulators; production code only verifies.
 */
export function signMeldWebhook(options: SignMeldWebhookOptions): string {
  checkConfig(options?.secret, options?.url, 'signMeldWebhook');
  const digest = hmac(options.secret, options.url, options.timestamp, bytes(options.rawBody)).toString('base64');
  return digest.replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * Checks that a webhook came from Meld: the `meld-signature` over
 * `meld-signature-timestamp + "." + url + "." + rawBody` (HMAC-SHA256 with
 * your webhook secret), compared in constant time, and a timestamp (ISO-8601
 * or epoch seconds) within `toleranceSeconds` of now. Any problem with the
 * request (missing or malformed header, wrong signature, stale or unreadable
 * timestamp) resolves `false`; a missing `secret` or `url` throws, as that is
 * a configuration error.
 *
 * @example
 * const rawBody = await request.text();
 * if (!(await verifyMeldWebhook({ secret, url: 'https://example.com/api/meld/webhooks', rawBody, headers: request.headers }))) {
 *   return new Response(null, { status: 401 });
 * }
 */
export async function verifyMeldWebhook(options: VerifyMeldWebhookOptions): Promise<boolean> {
  checkConfig(options?.secret, options?.url, 'verifyMeldWebhook');
  const body = bytes(options.rawBody);
  const signature = header(options.headers, SIGNATURE_HEADER)?.trim();
  const timestamp = header(options.headers, TIMESTAMP_HEADER)?.trim();
  if (!signature || !timestamp || !SIGNATURE.test(signature)) return false;

  const at = parseTimestamp(timestamp);
  if (at === undefined) return false;
  const now = options.now === undefined ? Date.now() : options.now instanceof Date ? options.now.getTime() : options.now;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!(Math.abs(now - at) <= tolerance * 1000)) return false;

  // Compare canonical text (url alphabet, no padding): a non-canonical encoding of the same bytes is refused too.
  const expected = Buffer.from(hmac(options.secret, options.url, timestamp, body).toString('base64url'), 'utf8');
  const received = Buffer.from(signature.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, ''), 'utf8');
  return received.length === expected.length && timingSafeEqual(received, expected);
}
