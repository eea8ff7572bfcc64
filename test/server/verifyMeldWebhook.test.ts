import { describe, expect, it } from 'vitest';
import { signMeldWebhook, verifyMeldWebhook, type VerifyMeldWebhookOptions } from '../../src/server/index.js';
import { sign } from './helpers/webhooks.js';

// Meld's published test vector (MELD.md §4).
const VECTOR = {
  secret: '42m4NMLS34WQ6BbMfo1KFKqMv4hy',
  url: 'https://example.meld.io/webhooks',
  timestamp: '2022-05-26T20:25:17.682818Z',
  body: '{"eventType":"WEBHOOK_TEST","eventId":"GDtv8pQgwzc9HuFFBQFrww","timestamp":"2022-05-26T20:23:45.908400Z","accountId":"W9jpQc1HKvwscqMPcLmzUS","profileId":null,"version":"2021-10-27","payload":{"requestId":"7aWW1GXTjWCCtNubzvVX7V"}}',
  signature: 'O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hg=',
};
const AT_VECTOR = new Date('2022-05-26T20:25:17.682Z');

function vector(overrides: Partial<VerifyMeldWebhookOptions> = {}): VerifyMeldWebhookOptions {
  return {
    secret: VECTOR.secret,
    url: VECTOR.url,
    rawBody: VECTOR.body,
    headers: { 'meld-signature': VECTOR.signature, 'meld-signature-timestamp': VECTOR.timestamp },
    now: AT_VECTOR,
    ...overrides,
  };
}

describe('verifyMeldWebhook', () => {
  it("given Meld's published test vector, should accept it", async () => {
    await expect(verifyMeldWebhook(vector())).resolves.toBe(true);
  });

  it('given the vector, signMeldWebhook should produce the published signature', () => {
    expect(signMeldWebhook({ secret: VECTOR.secret, url: VECTOR.url, rawBody: VECTOR.body, timestamp: VECTOR.timestamp })).toBe(VECTOR.signature);
    expect(sign(VECTOR.secret, VECTOR.url, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('given headers as a Headers object, a Node array value or other letter case, should accept them', async () => {
    const headers = new Headers({ 'Meld-Signature': VECTOR.signature, 'Meld-Signature-Timestamp': VECTOR.timestamp });
    await expect(verifyMeldWebhook(vector({ headers }))).resolves.toBe(true);
    await expect(verifyMeldWebhook(vector({ headers: { 'MELD-SIGNATURE': [VECTOR.signature], 'meld-signature-timestamp': VECTOR.timestamp } }))).resolves.toBe(true);
  });

  it('given the raw body as bytes (Buffer, Uint8Array, ArrayBuffer), should accept them', async () => {
    const bytes = new TextEncoder().encode(VECTOR.body);
    await expect(verifyMeldWebhook(vector({ rawBody: Buffer.from(VECTOR.body) }))).resolves.toBe(true);
    await expect(verifyMeldWebhook(vector({ rawBody: bytes }))).resolves.toBe(true);
    await expect(verifyMeldWebhook(vector({ rawBody: bytes.buffer }))).resolves.toBe(true);
    const offset = new Uint8Array(bytes.length + 4);
    offset.set(bytes, 2);
    await expect(verifyMeldWebhook(vector({ rawBody: offset.subarray(2, 2 + bytes.length) }))).resolves.toBe(true);
  });

  it('given the signature without padding or in standard base64, should accept it (same bytes)', async () => {
    await expect(verifyMeldWebhook(vector({ headers: { 'meld-signature': VECTOR.signature.replace('=', ''), 'meld-signature-timestamp': VECTOR.timestamp } }))).resolves.toBe(true);
    const standard = VECTOR.signature.replace(/-/g, '+').replace(/_/g, '/');
    await expect(verifyMeldWebhook(vector({ headers: { 'meld-signature': standard, 'meld-signature-timestamp': VECTOR.timestamp } }))).resolves.toBe(true);
  });

  describe('tampering', () => {
    it('given a body changed by one character, should reject', async () => {
      await expect(verifyMeldWebhook(vector({ rawBody: VECTOR.body.replace('WEBHOOK_TEST', 'WEBHOOK_TESt') }))).resolves.toBe(false);
    });

    it('given re-serialized JSON (whitespace changed), should reject: the raw bytes count', async () => {
      await expect(verifyMeldWebhook(vector({ rawBody: JSON.stringify(JSON.parse(VECTOR.body), null, 1) }))).resolves.toBe(false);
    });

    it('given another URL (scheme, host, path or trailing slash), should reject', async () => {
      for (const url of ['http://example.meld.io/webhooks', 'https://example.meld.io/webhooks/', 'https://evil.example/webhooks']) {
        await expect(verifyMeldWebhook(vector({ url }))).resolves.toBe(false);
      }
    });

    it('given another secret, should reject', async () => {
      await expect(verifyMeldWebhook(vector({ secret: `${VECTOR.secret}x` }))).resolves.toBe(false);
    });

    it('given a timestamp other than the signed one, should reject', async () => {
      const headers = { 'meld-signature': VECTOR.signature, 'meld-signature-timestamp': '2022-05-26T20:25:17.682819Z' };
      await expect(verifyMeldWebhook(vector({ headers }))).resolves.toBe(false);
    });

    it('given a missing, empty, truncated or garbage signature, should reject without throwing', async () => {
      for (const signature of [undefined, '', VECTOR.signature.slice(0, 20), `${VECTOR.signature}AAAA`, '!'.repeat(44), 'O4bN5E0U9s88l2DFc0kjt-0w3LLA3Zkv8hXhafc22Hh=']) {
        const headers: Record<string, string> = { 'meld-signature-timestamp': VECTOR.timestamp };
        if (signature !== undefined) headers['meld-signature'] = signature;
        await expect(verifyMeldWebhook(vector({ headers }))).resolves.toBe(false);
      }
      await expect(verifyMeldWebhook(vector({ headers: { 'meld-signature': VECTOR.signature } }))).resolves.toBe(false);
    });
  });

  describe('timestamps', () => {
    it('given a timestamp older or newer than the tolerance, should reject', async () => {
      const ms = AT_VECTOR.getTime();
      await expect(verifyMeldWebhook(vector({ now: ms + 301_000 }))).resolves.toBe(false);
      await expect(verifyMeldWebhook(vector({ now: ms - 301_000 }))).resolves.toBe(false);
      await expect(verifyMeldWebhook(vector({ now: ms + 299_000 }))).resolves.toBe(true);
      await expect(verifyMeldWebhook(vector({ now: ms + 60_000, toleranceSeconds: 30 }))).resolves.toBe(false);
    });

    it('given no `now`, should use the clock (the 2022 vector is stale today)', async () => {
      await expect(verifyMeldWebhook(vector({ now: undefined }))).resolves.toBe(false);
    });

    it('given epoch seconds, should verify over the string as sent', async () => {
      const seconds = String(Math.floor(Date.now() / 1000));
      const signature = sign(VECTOR.secret, VECTOR.url, seconds, VECTOR.body);
      const headers = { 'meld-signature': signature, 'meld-signature-timestamp': seconds };
      await expect(verifyMeldWebhook(vector({ headers, now: undefined }))).resolves.toBe(true);
      await expect(verifyMeldWebhook(vector({ headers, now: Date.now() + 600_000 }))).resolves.toBe(false);
    });

    it('given an ISO timestamp with an offset, should verify it', async () => {
      const timestamp = '2022-05-26T22:25:17.682818+02:00';
      const headers = { 'meld-signature': sign(VECTOR.secret, VECTOR.url, timestamp, VECTOR.body), 'meld-signature-timestamp': timestamp };
      await expect(verifyMeldWebhook(vector({ headers }))).resolves.toBe(true);
    });

    it('given an unreadable timestamp (no zone, words), should reject even when signed', async () => {
      for (const timestamp of ['2022-05-26T20:25:17', 'yesterday', '1e10', '']) {
        const headers = { 'meld-signature': sign(VECTOR.secret, VECTOR.url, timestamp, VECTOR.body), 'meld-signature-timestamp': timestamp };
        await expect(verifyMeldWebhook(vector({ headers }))).resolves.toBe(false);
      }
    });
  });

  it('given no secret or url, should throw an error that names the fix', async () => {
    await expect(verifyMeldWebhook(vector({ secret: '' }))).rejects.toThrow(/needs \{ secret \}/);
    await expect(verifyMeldWebhook(vector({ url: 'example.com/hook' }))).rejects.toThrow(/needs \{ url \}/);
  });
});
