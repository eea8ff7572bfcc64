import { createCipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createMemoryRepairLinkStore } from './createMemoryRepairLinkStore.js';
import { isCustomerId, isId } from './sanitize.js';

/**
 * Remembers which repair links were used. `consume` answers `true` to the
 * first caller for an `id` and `false` to every later one, until
 * `expiresAt` has passed (after that the link is refused as expired anyway,
 * so the id may be forgotten). It must be atomic across every instance that
 * redeems links: `createMemoryRepairLinkStore` is for one instance,
 * `createRedisRepairLinkStore` for several. A store that cannot remember one
 * more id must reject (the route then answers 500), never forget an
 * unexpired one: that would let its link be used again.
 */
export interface RepairLinkStore {
  /** `expiresAt`: epoch milliseconds on the links' clock (their `now`). */
  consume(id: string, expiresAt: number): Promise<boolean>;
}

/** Options for {@link createRepairLinks}. */
export interface RepairLinksOptions {
  /**
   * The key links are signed and encrypted with: at least 32 bytes of random
   * data (a string counts its UTF-8 bytes), kept server-only, e.g.
   * `process.env.REPAIR_LINK_SECRET` holding `randomBytes(32).toString('base64url')`.
   */
  secret: string | Uint8Array;
  /**
   * Keys being rotated out: links made with them are still accepted until
   * they expire; new links always use `secret`. Rotate by moving the old
   * `secret` here, and drop it after the longest `ttlSeconds`.
   */
  previousSecrets?: readonly (string | Uint8Array)[] | undefined;
  /** How long a link lives, in whole seconds: 1 to 30 days' worth. Defaults to 72 hours (259 200). */
  ttlSeconds?: number | undefined;
  /** Where used links are remembered. Defaults to `createMemoryRepairLinkStore()` (one instance). */
  store?: RepairLinkStore | undefined;
  /**
   * The page of your app the message opens, e.g. `'https://app.example.com/accounts'`:
   * the link is that URL with `?meld_repair=<token>` added (its own query and
   * hash kept). Or a function from the token to the whole link.
   */
  linkUrl?: string | ((token: string) => string) | undefined;
  /** The query parameter that carries the token. Defaults to `'meld_repair'`. */
  param?: string | undefined;
  /** The clock, in epoch milliseconds (tests, a demo's simulated time). Defaults to `Date.now`. */
  now?: (() => number) | undefined;
}

/** Whom and which connection a link is for. */
export interface RepairLinkTarget {
  /** The customer, as your `authorize` returns them: only they can redeem it. */
  externalCustomerId: string;
  connectionId: string;
}

/** What {@link RepairLinks.issue} makes. */
export interface IssuedRepairLink {
  /** The opaque token (base64url). */
  token: string;
  /** The whole link, when `linkUrl` is set. */
  url?: string | undefined;
  /** The first moment the link is refused. */
  expiresAt: Date;
}

/** A link that checked out: which connection, its id (what single use remembers), and when it expires. */
export interface VerifiedRepairLink {
  connectionId: string;
  /** 22 base64url characters, random: the id `RepairLinkStore` remembers. */
  id: string;
  expiresAt: Date;
}

/** Signed, single-use repair links, from {@link createRepairLinks}. */
export interface RepairLinks {
  /** Makes a link. Synchronous, so it works inside `planReconnectNotifications`' `policy.link`. */
  issue(target: RepairLinkTarget, options?: { ttlSeconds?: number | undefined }): IssuedRepairLink;
  /**
   * The planner's `policy.link`: the whole link for `customerId` (the
   * customer's `externalCustomerId`) and `connectionId`. Needs `linkUrl`.
   */
  link(target: { customerId: string; connectionId: string }): string;
  /** Checks a token for this customer without using it up: `undefined` for anything but a valid, unexpired link of theirs. */
  verify(token: unknown, externalCustomerId: string): VerifiedRepairLink | undefined;
  /** Checks, then uses it up: the first call for a link answers it, every later one `undefined`. */
  redeem(token: unknown, externalCustomerId: string): Promise<VerifiedRepairLink | undefined>;
  /** The query parameter that carries the token. */
  readonly param: string;
}

// The token, before base64url:
//   version (1) | expiry, epoch seconds, uint32 BE (4) | id, random (16) | connection id, AES-256-CTR (n) | MAC (16)
// The MAC is HMAC-SHA256 over len(customer) (uint16 BE) | customer (UTF-8) | everything before the MAC,
// truncated to 16 bytes; the id is also the CTR counter block. Both keys come from the secret through HKDF.
const VERSION = 1;
const ID_BYTES = 16;
const MAC_BYTES = 16;
const HEADER_BYTES = 1 + 4 + ID_BYTES;
const MAX_CONNECTION_ID = 128;
const MIN_TOKEN_BYTES = HEADER_BYTES + 1 + MAC_BYTES;
const MAX_TOKEN_BYTES = HEADER_BYTES + MAX_CONNECTION_ID + MAC_BYTES;
/** The longest token there is (a 128-character connection id): 220 characters. */
export const MAX_REPAIR_TOKEN_LENGTH = Math.ceil((MAX_TOKEN_BYTES * 4) / 3);
const MIN_TOKEN_CHARS = Math.ceil((MIN_TOKEN_BYTES * 4) / 3);
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const PARAM = /^[\w.-]{1,64}$/;
const DEFAULT_TTL = 72 * 3600;
const MAX_TTL = 30 * 24 * 3600;
const SALT = 'meld-reconnect-kit/server repair links';

interface Keys {
  encryption: Buffer;
  mac: Buffer;
}

const fix = (message: string) => `meld-reconnect-kit/server: createRepairLinks ${message}`;

function keysOf(secret: unknown, name: string): Keys {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret instanceof Uint8Array ? secret : undefined;
  // Never quote the secret, nor anything of it.
  if (!bytes || bytes.byteLength < 32) {
    throw new TypeError(
      fix(
        `needs { ${name} } of at least 32 bytes of random data (a string counts its UTF-8 bytes), kept server-only, e.g. ${name}: process.env.REPAIR_LINK_SECRET, made once with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))".`,
      ),
    );
  }
  return {
    encryption: Buffer.from(hkdfSync('sha256', bytes, SALT, 'v1 connection id encryption', 32)),
    mac: Buffer.from(hkdfSync('sha256', bytes, SALT, 'v1 token authentication', 32)),
  };
}

function ttlOf(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_TTL;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TTL) {
    throw new TypeError(fix(`${where} is a whole number of seconds from 1 to ${MAX_TTL} (30 days), e.g. ttlSeconds: 72 * 3600.`));
  }
  return value;
}

function macOf(key: Buffer, signed: Uint8Array, customer: string): Buffer {
  const who = Buffer.from(customer, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(who.byteLength);
  return createHmac('sha256', key).update(length).update(who).update(signed).digest().subarray(0, MAC_BYTES);
}

/** AES-256-CTR both ways. */
function ctr(key: Buffer, counter: Uint8Array, input: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-ctr', key, counter);
  return Buffer.concat([cipher.update(input), cipher.final()]);
}

/** The link for `token`: `linkUrl` with `param=token` added to its query, its hash kept. */
function linkMaker(linkUrl: RepairLinksOptions['linkUrl'], param: string): ((token: string) => string) | undefined {
  if (linkUrl === undefined) return undefined;
  if (typeof linkUrl === 'function') {
    return (token) => {
      const url = linkUrl(token);
      if (typeof url !== 'string') throw new TypeError(fix("'s linkUrl function must return the link as a string."));
      return url;
    };
  }
  const usage = fix(`'s linkUrl is the absolute http(s) URL of the page the link opens, e.g. linkUrl: 'https://app.example.com/accounts'.`);
  if (typeof linkUrl !== 'string' || !URL.canParse(linkUrl)) throw new TypeError(usage);
  const url = new URL(linkUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(usage);
  if (url.searchParams.has(param)) throw new TypeError(fix(`'s linkUrl already has a ${param} parameter: the link adds it.`));
  const hash = url.hash;
  url.hash = '';
  const base = url.href;
  const before = `${base}${url.search ? (base.endsWith('&') ? '' : '&') : '?'}${param}=`;
  return (token) => `${before}${token}${hash}`;
}

/**
 * Signed, single-use repair links for messages that bring a customer back
 * (e-mail, SMS, push): `issue` makes a link for one customer and one
 * connection, and the reconnect handler's `POST {base}/repair-links/redeem`
 * (option `repairLinks`) redeems it once, for that customer signed in.
 *
 * The token is opaque base64url (98 characters for a UUID connection id):
 * a version byte, the expiry (whole seconds), 16 random bytes (the link's
 * id, which single use remembers), the connection id encrypted with
 * AES-256-CTR (the id as its counter block), and a 128-bit HMAC-SHA256 tag
 * over all of that and the customer's id. So nothing personal is in clear
 * (only the connection id's length shows), the customer is bound without
 * being carried (another customer's session fails the tag), and any change
 * to any bit is refused. Encryption and tag use separate keys derived from
 * `secret` with HKDF-SHA256; tags are compared in constant time; the token's
 * length and alphabet are checked before any cryptography. A link is valid
 * while the clock is before `expiresAt`; `previousSecrets` keeps links made
 * with a rotated-out key working until they expire.
 *
 * @example
 * const links = createRepairLinks({
 *   secret: process.env.REPAIR_LINK_SECRET!,
 *   linkUrl: 'https://app.example.com/accounts',
 *   store: createRedisRepairLinkStore({ bus }),
 * });
 * const plan = planReconnectNotifications({ connections, history, now: new Date(), policy: { link: links.link } });
 * const handler = createReconnectHandler({ meld, authorize, basePath: '/api/meld', bus, repairLinks: links });
 */
export function createRepairLinks(options: RepairLinksOptions): RepairLinks {
  if (typeof options !== 'object' || options === null) throw new TypeError(fix('needs { secret }: createRepairLinks({ secret: process.env.REPAIR_LINK_SECRET! }).'));
  const current = keysOf(options.secret, 'secret');
  const previous = options.previousSecrets ?? [];
  if (!Array.isArray(previous)) throw new TypeError(fix("'s previousSecrets is a list of keys being rotated out, e.g. previousSecrets: [process.env.REPAIR_LINK_SECRET_OLD!]."));
  const keyring = [current, ...previous.map((secret, i) => keysOf(secret, `previousSecrets[${i}]`))];
  const ttl = ttlOf(options.ttlSeconds, 'ttlSeconds');
  const param = options.param ?? 'meld_repair';
  if (typeof param !== 'string' || !PARAM.test(param)) throw new TypeError(fix("'s param is a query parameter name (letters, digits, _ . -), e.g. param: 'meld_repair'."));
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError(fix("'s now is a function returning epoch milliseconds, e.g. now: () => Date.now()."));
  const store = options.store ?? createMemoryRepairLinkStore({ now });
  if (typeof store?.consume !== 'function') throw new TypeError(fix("'s store needs consume(id, expiresAt): use createMemoryRepairLinkStore() or createRedisRepairLinkStore({ bus })."));
  const makeLink = linkMaker(options.linkUrl, param);

  function issue(target: RepairLinkTarget, issueOptions?: { ttlSeconds?: number | undefined }): IssuedRepairLink {
    if (!isCustomerId(target?.externalCustomerId)) {
      throw new TypeError(fix("'s issue needs { externalCustomerId }: the customer as your authorize returns them (1 to 256 characters, no control characters)."));
    }
    if (!isId(target.connectionId)) throw new TypeError(fix("'s issue needs { connectionId }: a Meld connection id (1 to 128 characters of letters, digits and _ . : @ -)."));
    const lifetime = issueOptions?.ttlSeconds === undefined ? ttl : ttlOf(issueOptions.ttlSeconds, "issue's ttlSeconds");
    const at = now();
    if (!Number.isFinite(at)) throw new TypeError(fix("'s now returned something else than epoch milliseconds."));
    // Whole seconds: a link lives at most ttlSeconds (at least ttlSeconds - 1 s).
    const expires = Math.floor(at / 1000) + lifetime;
    if (expires < 0 || expires > 0xffff_ffff) throw new RangeError(fix("'s clock is outside 1970-2106."));
    const id = randomBytes(ID_BYTES);
    const sealed = ctr(current.encryption, id, Buffer.from(target.connectionId, 'utf8'));
    const bytes = Buffer.alloc(HEADER_BYTES + sealed.byteLength + MAC_BYTES);
    bytes[0] = VERSION;
    bytes.writeUInt32BE(expires, 1);
    id.copy(bytes, 5);
    sealed.copy(bytes, HEADER_BYTES);
    const signedEnd = bytes.byteLength - MAC_BYTES;
    macOf(current.mac, bytes.subarray(0, signedEnd), target.externalCustomerId).copy(bytes, signedEnd);
    const token = bytes.toString('base64url');
    return { token, ...(makeLink ? { url: makeLink(token) } : {}), expiresAt: new Date(expires * 1000) };
  }

  function verify(token: unknown, externalCustomerId: string): VerifiedRepairLink | undefined {
    // Shape first, cheaply: no cryptography for what cannot be a token.
    if (typeof token !== 'string' || token.length < MIN_TOKEN_CHARS || token.length > MAX_REPAIR_TOKEN_LENGTH || !BASE64URL.test(token)) return undefined;
    if (!isCustomerId(externalCustomerId)) return undefined;
    const bytes = Buffer.from(token, 'base64url');
    // One spelling per token: unused trailing bits must be zero.
    if (bytes.byteLength < MIN_TOKEN_BYTES || bytes.byteLength > MAX_TOKEN_BYTES || bytes[0] !== VERSION || bytes.toString('base64url') !== token) return undefined;
    const signedEnd = bytes.byteLength - MAC_BYTES;
    const signed = bytes.subarray(0, signedEnd);
    const tag = bytes.subarray(signedEnd);
    const keys = keyring.find((k) => timingSafeEqual(macOf(k.mac, signed, externalCustomerId), tag));
    if (!keys) return undefined;
    const expiresAt = bytes.readUInt32BE(1) * 1000;
    // Valid while now < expiresAt: at expiresAt itself it is refused.
    if (!(now() < expiresAt)) return undefined;
    const id = bytes.subarray(5, HEADER_BYTES);
    const connectionId = ctr(keys.encryption, id, bytes.subarray(HEADER_BYTES, signedEnd)).toString('utf8');
    if (!isId(connectionId)) return undefined;
    return { connectionId, id: id.toString('base64url'), expiresAt: new Date(expiresAt) };
  }

  return {
    issue,
    verify,
    link(target) {
      if (!makeLink) {
        throw new TypeError(fix("needs { linkUrl } for link(): the page of your app the message opens, e.g. linkUrl: 'https://app.example.com/accounts'."));
      }
      return issue({ externalCustomerId: target?.customerId, connectionId: target?.connectionId }).url!;
    },
    async redeem(token, externalCustomerId) {
      const link = verify(token, externalCustomerId);
      if (!link) return undefined;
      return (await store.consume(link.id, link.expiresAt.getTime())) ? link : undefined;
    },
    param,
  };
}
