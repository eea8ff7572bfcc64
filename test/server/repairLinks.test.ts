// createRepairLinks on its own: issuing, verifying, redeeming once, the
// token's shape and what it does not hold, key rotation, the link URL, the
// options' errors, and the memory store (forgets only expired ids; full, it
// fails closed).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createMemoryRepairLinkStore,
  createRepairLinks,
  planReconnectNotifications,
  type RepairLinksOptions,
} from '../../src/server/index.js';
import { MAX_REPAIR_TOKEN_LENGTH } from '../../src/server/repairLinks.js';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop'; // 39 bytes
const OTHER_SECRET = randomBytes(32);
const UUID = '5f0c7a2e-3b9d-4c61-8e2f-7d1a9b3c4e5f';
const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

function clock(start = T0) {
  let at = start;
  return { now: () => at, set: (t: number) => void (at = t), advance: (ms: number) => void (at += ms) };
}

function links(overrides: Partial<RepairLinksOptions> = {}) {
  return createRepairLinks({ secret: SECRET, linkUrl: 'https://app.example.com/accounts', ...overrides });
}

describe('createRepairLinks: issue and verify', () => {
  it('given a link for alice, should verify for alice with its connection, id and expiry (72 hours by default)', () => {
    const time = clock();
    const made = links({ now: time.now });
    const issued = made.issue({ externalCustomerId: 'alice', connectionId: UUID });
    expect(issued.expiresAt.getTime()).toBe(T0 + 72 * HOUR);
    expect(issued.url).toBe(`https://app.example.com/accounts?meld_repair=${issued.token}`);
    const verified = made.verify(issued.token, 'alice');
    expect(verified).toEqual({ connectionId: UUID, id: expect.stringMatching(/^[\w-]{22}$/), expiresAt: issued.expiresAt });
  });

  it('should make an opaque base64url token of 98 characters for a UUID, holding neither the customer nor the connection id', () => {
    const issued = links().issue({ externalCustomerId: 'alice@example.com', connectionId: UUID });
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{98}$/);
    const bytes = Buffer.from(issued.token, 'base64url');
    for (const needle of ['alice', 'example.com', UUID, UUID.slice(0, 8), UUID.replace(/-/g, '')]) {
      expect(bytes.includes(Buffer.from(needle))).toBe(false);
      expect(issued.token).not.toContain(needle);
    }
    expect(bytes.includes(Buffer.from(UUID.replace(/-/g, ''), 'hex').subarray(0, 6))).toBe(false);
    expect(bytes[0]).toBe(1); // the version
  });

  it('should make a fresh token each time for the same connection (a random id), each redeemable once', async () => {
    const made = links();
    const a = made.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    const b = made.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    expect(a.token).not.toBe(b.token);
    expect(made.verify(a.token, 'alice')!.id).not.toBe(made.verify(b.token, 'alice')!.id);
    expect(await made.redeem(a.token, 'alice')).toMatchObject({ connectionId: 'a1' });
    expect(await made.redeem(b.token, 'alice')).toMatchObject({ connectionId: 'a1' });
  });

  it('should keep the longest token within its bound', () => {
    const long = 'c'.repeat(128);
    const issued = links().issue({ externalCustomerId: 'x'.repeat(256), connectionId: long });
    expect(issued.token.length).toBe(MAX_REPAIR_TOKEN_LENGTH);
    expect(MAX_REPAIR_TOKEN_LENGTH).toBe(220);
    expect(links().verify(issued.token, 'x'.repeat(256))?.connectionId).toBe(long);
  });

  it('given ttlSeconds, should make links that live that long', () => {
    const made = links({ now: () => T0, ttlSeconds: 3600 });
    expect(made.issue({ externalCustomerId: 'alice', connectionId: 'a1' }).expiresAt.getTime()).toBe(T0 + HOUR);
    expect(made.issue({ externalCustomerId: 'alice', connectionId: 'a1' }, { ttlSeconds: 60 }).expiresAt.getTime()).toBe(T0 + 60_000);
  });

  it('given a per-link ttlSeconds, should use it; valid while now < expiresAt, refused at it', () => {
    const time = clock(T0 + 250); // mid-second: the expiry is counted from the whole second
    const made = links({ now: time.now });
    const issued = made.issue({ externalCustomerId: 'alice', connectionId: 'a1' }, { ttlSeconds: 60 });
    expect(issued.expiresAt.getTime()).toBe(T0 + 60_000);
    time.set(T0 + 60_000 - 1);
    expect(made.verify(issued.token, 'alice')).toBeDefined();
    time.set(T0 + 60_000);
    expect(made.verify(issued.token, 'alice')).toBeUndefined();
  });

  it("should refuse another customer's link, without using it up for its owner", async () => {
    const made = links();
    const { token } = made.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    expect(made.verify(token, 'bob')).toBeUndefined();
    expect(await made.redeem(token, 'bob')).toBeUndefined();
    expect(made.verify(token, 'alic')).toBeUndefined();
    expect(made.verify(token, 'alice ')).toBeUndefined();
    expect(await made.redeem(token, 'alice')).toMatchObject({ connectionId: 'a1' });
  });

  it('should refuse what is not a token without throwing', () => {
    const made = links();
    for (const token of [undefined, null, 42, {}, [], '', 'abc', '!'.repeat(98), 'A'.repeat(221), 'A'.repeat(98)]) {
      expect(made.verify(token, 'alice')).toBeUndefined();
    }
    const { token } = made.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    expect(made.verify(token, '')).toBeUndefined();
    expect(made.verify(token, undefined as never)).toBeUndefined();
  });

  it('should redeem a link once', async () => {
    const made = links();
    const { token } = made.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    expect(await made.redeem(token, 'alice')).toMatchObject({ connectionId: 'a1' });
    expect(await made.redeem(token, 'alice')).toBeUndefined();
    // verify is a pure check: still valid, though used
    expect(made.verify(token, 'alice')).toBeDefined();
  });

  it('should give planReconnectNotifications a link it writes into the message', () => {
    const made = links();
    const plan = planReconnectNotifications({
      connections: [{ connection: { id: 'a1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', externalCustomerId: 'alice', institutionName: 'First Bank' } }],
      policy: { link: made.link, quietHours: false },
      now: T0,
    });
    const url = /https:\/\/app\.example\.com\/accounts\?meld_repair=([\w-]+)/.exec(plan[0]!.text);
    expect(url).not.toBeNull();
    expect(made.verify(url![1], 'alice')?.connectionId).toBe('a1');
  });
});

describe('createRepairLinks: key rotation', () => {
  it('given the old secret moved to previousSecrets, should accept old links and sign new ones with the new secret', async () => {
    const before = createRepairLinks({ secret: SECRET });
    const old = before.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    const store = createMemoryRepairLinkStore();
    const rotated = createRepairLinks({ secret: OTHER_SECRET, previousSecrets: [SECRET], store });
    const fresh = rotated.issue({ externalCustomerId: 'alice', connectionId: 'a2' });
    expect(rotated.verify(old.token, 'alice')?.connectionId).toBe('a1');
    // The new one is signed with the new secret only: the old configuration does not know it.
    expect(before.verify(fresh.token, 'alice')).toBeUndefined();
    expect(createRepairLinks({ secret: OTHER_SECRET }).verify(fresh.token, 'alice')?.connectionId).toBe('a2');
    expect(await rotated.redeem(old.token, 'alice')).toBeDefined();
    expect(await rotated.redeem(old.token, 'alice')).toBeUndefined();
  });

  it('given the old secret dropped, should refuse links made with it', () => {
    const old = createRepairLinks({ secret: SECRET }).issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    expect(createRepairLinks({ secret: OTHER_SECRET }).verify(old.token, 'alice')).toBeUndefined();
    expect(createRepairLinks({ secret: OTHER_SECRET, previousSecrets: [randomBytes(32)] }).verify(old.token, 'alice')).toBeUndefined();
  });

  it('should treat a string secret and its UTF-8 bytes as the same key', () => {
    const { token } = createRepairLinks({ secret: SECRET }).issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    expect(createRepairLinks({ secret: new TextEncoder().encode(SECRET) }).verify(token, 'alice')).toBeDefined();
  });
});

describe('createRepairLinks: the link', () => {
  const token = (url: string) => new URL(url).searchParams.get('meld_repair');

  it("should add the parameter to linkUrl's own query and keep its hash", () => {
    const made = links({ linkUrl: 'https://app.example.com/accounts?tab=banks&q=a%20b#list' });
    const { url, token: t } = made.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    expect(url).toBe(`https://app.example.com/accounts?tab=banks&q=a%20b&meld_repair=${t}#list`);
    expect(token(url!)).toBe(t);
  });

  it('should honour param, a linkUrl function, and say when link() has no linkUrl', () => {
    const custom = links({ param: 'r', linkUrl: 'https://app.example.com/' });
    const issued = custom.issue({ externalCustomerId: 'alice', connectionId: 'a1' });
    expect(issued.url).toBe(`https://app.example.com/?r=${issued.token}`);
    expect(custom.param).toBe('r');
    expect(links().param).toBe('meld_repair');
    const fn = links({ linkUrl: (t) => `myapp://repair/${t}` });
    expect(fn.link({ customerId: 'alice', connectionId: 'a1' })).toMatch(/^myapp:\/\/repair\/[\w-]{52}$/);
    const none = createRepairLinks({ secret: SECRET });
    expect(none.issue({ externalCustomerId: 'alice', connectionId: 'a1' }).url).toBeUndefined();
    expect(() => none.link({ customerId: 'alice', connectionId: 'a1' })).toThrow(/needs \{ linkUrl \} for link\(\)/);
  });

  it('should refuse a linkUrl that is not an absolute http(s) URL, or already has the parameter', () => {
    for (const linkUrl of ['/accounts', 'javascript:alert(1)', 'not a url']) {
      expect(() => links({ linkUrl })).toThrow(/linkUrl is the absolute http\(s\) URL/);
    }
    expect(() => links({ linkUrl: 'https://app.example.com/?meld_repair=x' })).toThrow(/already has a meld_repair parameter/);
  });
});

describe('createRepairLinks: options that name the fix', () => {
  it('given no secret, or one shorter than 32 bytes, should throw without quoting it', () => {
    const short = 'hunter2-is-a-short-secret';
    for (const secret of [undefined, '', short, new Uint8Array(31), 42]) {
      let message = '';
      try {
        createRepairLinks({ secret } as never);
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/needs \{ secret \} of at least 32 bytes/);
      expect(message).not.toContain(short);
      expect(message).not.toContain('hunter2');
    }
    expect(() => createRepairLinks({ secret: SECRET, previousSecrets: [short] })).toThrow(/previousSecrets\[0\]/);
    expect(() => createRepairLinks({ secret: SECRET, previousSecrets: [short] })).not.toThrow(new RegExp(short));
    expect(() => createRepairLinks(undefined as never)).toThrow(/needs \{ secret \}/);
  });

  it('should refuse a ttlSeconds under 1 second or over 30 days, at creation and per link', () => {
    for (const ttlSeconds of [0, -1, 0.5, 30 * 86_400 + 1, Number.NaN, Infinity]) {
      expect(() => links({ ttlSeconds })).toThrow(/ttlSeconds is a whole number of seconds from 1 to 2592000/);
      expect(() => links().issue({ externalCustomerId: 'alice', connectionId: 'a1' }, { ttlSeconds })).toThrow(/issue's ttlSeconds/);
    }
    expect(() => links({ ttlSeconds: 1 })).not.toThrow();
    expect(() => links({ ttlSeconds: 30 * 86_400 })).not.toThrow();
  });

  it('should refuse to issue for a malformed customer or connection id', () => {
    const made = links();
    expect(() => made.issue({ externalCustomerId: '', connectionId: 'a1' })).toThrow(/needs \{ externalCustomerId \}/);
    expect(() => made.issue({ externalCustomerId: 'a\nb', connectionId: 'a1' })).toThrow(/needs \{ externalCustomerId \}/);
    expect(() => made.issue({ externalCustomerId: 'alice', connectionId: 'a/1' })).toThrow(/needs \{ connectionId \}/);
    expect(() => made.issue({ externalCustomerId: 'alice', connectionId: 'c'.repeat(129) })).toThrow(/needs \{ connectionId \}/);
    expect(() => made.link({ customerId: undefined as never, connectionId: 'a1' })).toThrow(/needs \{ externalCustomerId \}/);
  });

  it('should refuse a bad param or store', () => {
    expect(() => links({ param: 'a b' })).toThrow(/param is a query parameter name/);
    expect(() => links({ store: {} as never })).toThrow(/store needs consume/);
  });
});

describe('createMemoryRepairLinkStore', () => {
  it('should answer true to the first consumer of an id only, until it expires, then forget it', async () => {
    const time = clock();
    const store = createMemoryRepairLinkStore({ now: time.now, maxEntries: 10 });
    expect(await store.consume('id1', T0 + 1000)).toBe(true);
    expect(await store.consume('id1', T0 + 1000)).toBe(false);
    time.set(T0 + 999);
    expect(await store.consume('id1', T0 + 1000)).toBe(false);
    time.set(T0 + 1000);
    // Expired: refused (the link would be too), and nothing is remembered for it.
    expect(await store.consume('id2', T0 + 1000)).toBe(false);
    expect(store.stats()).toEqual({ entries: 1 });
  });

  it('given it is full of unexpired ids, should fail closed (reject, naming the fix) rather than forget one', async () => {
    const time = clock();
    const store = createMemoryRepairLinkStore({ now: time.now, maxEntries: 3 });
    expect(await store.consume('a', T0 + 1000)).toBe(true);
    expect(await store.consume('b', T0 + 5000)).toBe(true);
    expect(await store.consume('c', T0 + 5000)).toBe(true);
    await expect(store.consume('d', T0 + 5000)).rejects.toThrow(/holds 3 unexpired used links \(maxEntries\).*Raise maxEntries, shorten ttlSeconds, or use createRedisRepairLinkStore/);
    // Nothing was forgotten: every used id is still refused.
    for (const id of ['a', 'b', 'c']) expect(await store.consume(id, T0 + 5000)).toBe(false);
    // Once 'a' has expired, its room is freed (and only then).
    time.set(T0 + 1000);
    expect(await store.consume('d', T0 + 5000)).toBe(true);
    await expect(store.consume('e', T0 + 5000)).rejects.toThrow(/maxEntries/);
    expect(await store.consume('b', T0 + 5000)).toBe(false);
  });

  it('given links with a full store, should refuse the redeem with the error and leave the link unused', async () => {
    const time = clock();
    const made = links({ now: time.now, store: createMemoryRepairLinkStore({ now: time.now, maxEntries: 1 }) });
    const first = made.issue({ externalCustomerId: 'alice', connectionId: 'a1' }, { ttlSeconds: 600 });
    const second = made.issue({ externalCustomerId: 'alice', connectionId: 'a2' });
    expect(await made.redeem(first.token, 'alice')).toBeDefined();
    await expect(made.redeem(second.token, 'alice')).rejects.toThrow(/maxEntries/);
    expect(await made.redeem(first.token, 'alice')).toBeUndefined();
    // Once the first link has expired, its room is freed: the second, still unused, redeems.
    time.advance(600_000);
    expect(await made.redeem(second.token, 'alice')).toMatchObject({ connectionId: 'a2' });
    expect(await made.redeem(first.token, 'alice')).toBeUndefined();
  });

  it('should refuse a maxEntries that is not a whole number', () => {
    expect(() => createMemoryRepairLinkStore({ maxEntries: 0 })).toThrow(/maxEntries is a whole number/);
  });
});
