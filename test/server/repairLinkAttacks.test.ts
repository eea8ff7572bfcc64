// Repair links as an attacker meets them, through the reconnect handler's
// redeem route: each test is one attack, and what it must get is the one
// refusal (404 REPAIR_LINK_INVALID), with no Meld lookup when the token's
// tag fails, and nothing changed for the victim.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMeldClient,
  createMemoryEventBus,
  createMemoryRepairLinkStore,
  createReconnectHandler,
  createRepairLinks,
  type RepairLinks,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';

const BASE = '/api/meld';
const OLD_SECRET = randomBytes(32);
const NEW_SECRET = randomBytes(32);
const REFUSAL = { status: 404, json: { code: 'REPAIR_LINK_INVALID', message: 'This link can no longer be used. Open the app to reconnect your bank.' } };

let meld: FakeMeld;
let links: RepairLinks;
let handler: (request: Request) => Promise<Response>;
let authorized: number;

function build(secret: Uint8Array = OLD_SECRET, previousSecrets: Uint8Array[] = []) {
  // One store across rebuilds: a rotation does not forget which links were used.
  const store = createMemoryRepairLinkStore();
  links = createRepairLinks({ secret, previousSecrets, store, linkUrl: 'https://app.example.com/accounts' });
  handler = createReconnectHandler({
    meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, timeoutMs: 1000, retries: 0 }),
    authorize: (request) => {
      authorized += 1;
      const user = request.headers.get('x-user');
      return user ? { externalCustomerId: user } : null;
    },
    basePath: BASE,
    bus: createMemoryEventBus(),
    events: false,
    repairLinks: links,
    redeemRateLimit: { limit: 1000 },
  });
}

async function open(user: string, token: unknown, headers: Record<string, string> = { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body?: string) {
  const response = await handler(
    new Request(`http://app.example.com${BASE}/repair-links/redeem`, { method: 'POST', headers: { 'x-user': user, ...headers }, body: body ?? JSON.stringify({ token }) }),
  );
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const lookups = () => meld.requests.filter((r) => r.method === 'GET').length;
const aliceLink = (connectionId = 'a1') => links.issue({ externalCustomerId: 'alice', connectionId }).token;
const bytesOf = (token: string) => Buffer.from(token, 'base64url');

beforeAll(async () => {
  meld = await startFakeMeld();
});
afterAll(() => meld.close());
beforeEach(() => {
  meld.reset();
  authorized = 0;
  meld.add(
    meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
    meldConnection('a2', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
    meldConnection('m1', 'mallory', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
  );
  build();
});

describe('attacks on repair links', () => {
  it("Mallory opens Alice's forwarded link signed in as herself: refused like any bad link, Meld is not asked, and Alice's link still works", async () => {
    const token = aliceLink();
    expect(await open('mallory', token)).toEqual(REFUSAL);
    expect(await open('Alice', token)).toEqual(REFUSAL); // ids are compared exactly
    expect(lookups()).toBe(0);
    expect((await open('alice', token)).status).toBe(200);
  });

  it('an eavesdropper replays a link Alice already used, in her own session: refused', async () => {
    const token = aliceLink();
    expect((await open('alice', token)).status).toBe(200);
    expect(await open('alice', token)).toEqual(REFUSAL);
    expect(await open('alice', token)).toEqual(REFUSAL);
  });

  it('Mallory flips bits of her own link to reach another connection: refused for every byte, without a Meld lookup', async () => {
    const own = links.issue({ externalCustomerId: 'mallory', connectionId: 'm1' }).token;
    const bytes = bytesOf(own);
    for (let at = 0; at < bytes.length; at += 1) {
      const changed = Buffer.from(bytes);
      changed[at]! ^= 0x01;
      expect(await open('mallory', changed.toString('base64url'))).toEqual(REFUSAL);
    }
    // The ciphertext is the connection id XOR a keystream: XOR-ing 'm1' into 'a1' is the classic CTR forgery.
    const forged = Buffer.from(bytes);
    forged[21]! ^= 'm'.charCodeAt(0) ^ 'a'.charCodeAt(0);
    expect(await open('mallory', forged.toString('base64url'))).toEqual(REFUSAL);
    expect(await open('alice', forged.toString('base64url'))).toEqual(REFUSAL);
    expect(lookups()).toBe(0);
  });

  it('Mallory truncates, pads or re-spells a link: refused', async () => {
    const token = aliceLink();
    const variants = [
      token.slice(0, -1),
      token.slice(0, -4),
      token.slice(1),
      `${token}=`,
      `${token}==`,
      `${token}A`,
      `${token}AAAA`,
      ` ${token}`,
      `${token}\n`,
      encodeURIComponent(`${token}=`),
      token.replace(/-/g, '+').replace(/_/g, '/'), // standard base64 for the same bytes
      bytesOf(token).toString('base64'),
      // The same bytes with the last character's unused bits set: one spelling per token only.
      token.slice(0, -1) + String.fromCharCode(token.charCodeAt(token.length - 1) + 1),
      Buffer.concat([bytesOf(token), Buffer.alloc(1)]).toString('base64url'),
      bytesOf(token).subarray(0, -1).toString('base64url'),
    ].filter((variant) => variant !== token);
    for (const variant of variants) expect(await open('alice', variant)).toEqual(REFUSAL);
    expect(lookups()).toBe(0);
    expect((await open('alice', token)).status).toBe(200);
  });

  it("Mallory splices her link's tag, header or body onto Alice's (a swapped connection): refused", async () => {
    const alice = bytesOf(aliceLink('a1'));
    const aliceOther = bytesOf(aliceLink('a2'));
    const mallory = bytesOf(links.issue({ externalCustomerId: 'mallory', connectionId: 'm1' }).token);
    const splice = (...parts: Buffer[]) => Buffer.concat(parts).toString('base64url');
    const attempts = [
      // Alice's header and encrypted id with Mallory's tag
      splice(alice.subarray(0, -16), mallory.subarray(-16)),
      // Mallory's header (her random id / counter) with Alice's encrypted id and tag
      splice(mallory.subarray(0, 21), alice.subarray(21)),
      // Alice's two links with their encrypted ids swapped
      splice(alice.subarray(0, 21), aliceOther.subarray(21, -16), alice.subarray(-16)),
      // A later expiry written into Alice's link
      splice(alice.subarray(0, 1), Buffer.from([0xff, 0xff, 0xff, 0xff]), alice.subarray(5)),
      // Another version byte
      splice(Buffer.from([2]), alice.subarray(1)),
    ];
    for (const token of attempts) {
      expect(await open('alice', token)).toEqual(REFUSAL);
      expect(await open('mallory', token)).toEqual(REFUSAL);
    }
    expect(lookups()).toBe(0);
  });

  it('a link made with a key that was rotated out and then dropped: accepted while the old key is listed, refused after', async () => {
    const old = aliceLink();
    const second = aliceLink('a2');
    build(NEW_SECRET, [OLD_SECRET]);
    expect((await open('alice', old)).status).toBe(200);
    const fresh = aliceLink();
    build(NEW_SECRET);
    expect(await open('alice', second)).toEqual(REFUSAL);
    expect((await open('alice', fresh)).status).toBe(200);
  });

  it("Mallory's page on another site posts a link to the route in Alice's browser (a form, text/plain): refused before authorize runs", async () => {
    const token = aliceLink();
    const form = await open('alice', token, { 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, JSON.stringify({ token }));
    expect(form.status).toBe(403);
    const sibling = await open('alice', token, { 'content-type': 'application/json', origin: 'https://evil.app.example.com', 'sec-fetch-site': 'same-site' });
    expect(sibling.status).toBe(403);
    expect(authorized).toBe(0);
    // Same site, but as a form would send it (no JSON content type): 415, and the link is untouched.
    expect((await open('alice', token, { 'content-type': 'text/plain', 'sec-fetch-site': 'same-origin' })).status).toBe(415);
    expect(lookups()).toBe(0);
    expect((await open('alice', token)).status).toBe(200);
  });

  it('Mallory guesses tokens in a loop: refused, never reaching Meld, then rate limited', async () => {
    handler = createReconnectHandler({
      meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, retries: 0 }),
      authorize: (request) => ({ externalCustomerId: request.headers.get('x-user')! }),
      basePath: BASE,
      bus: createMemoryEventBus(),
      events: false,
      repairLinks: links,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i += 1) statuses.push((await open('mallory', randomBytes(73).toString('base64url'))).status);
    expect(statuses).toEqual([...Array(20).fill(404), ...Array(5).fill(429)]);
    expect(lookups()).toBe(0);
    // Alice's budget is her own.
    expect((await open('alice', aliceLink())).status).toBe(200);
  });

  it('a link for a connection that Meld now says is someone else\'s, or deleted: refused, and not used up', async () => {
    const token = aliceLink();
    meld.add(meldConnection('a1', 'mallory', { status: 'RECONNECT_REQUIRED' }));
    expect(await open('alice', token)).toEqual(REFUSAL);
    meld.add(meldConnection('a1', 'alice', { status: 'DELETED', statusReason: null }));
    expect(await open('alice', token)).toEqual(REFUSAL);
    meld.add(meldConnection('a1', 'alice', { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }));
    expect((await open('alice', token)).status).toBe(200);
  });

  it('the link carries nothing readable: no customer, no connection id, no e-mail', () => {
    const issued = links.issue({ externalCustomerId: 'alice@mail.test', connectionId: '5f0c7a2e-3b9d-4c61-8e2f-7d1a9b3c4e5f' });
    const decoded = bytesOf(issued.token).toString('latin1');
    expect(issued.url).toBe(`https://app.example.com/accounts?meld_repair=${issued.token}`);
    for (const secret of ['alice', 'mail.test', '5f0c7a2e', '4c61', '7d1a9b3c4e5f']) {
      expect(issued.token).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
  });
});
