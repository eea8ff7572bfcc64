// Webhooks as Meld sends them: envelope, fresh eventId, ISO timestamp, the
// signature verified by the kit's verifyMeldWebhook (and recomputed here with
// node:crypto), for every row of the status table; delays, order, failures,
// redelivery and cancellation.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STATUS_TABLE } from '../../src/core/index.js';
import { readInstitutionMessage, verifyMeldWebhook } from '../../src/server/index.js';
import { createMeldSimulator, MeldTestingError, type MeldSimulator } from '../../src/testing/index.js';
import { startReceiver, type ReceivedWebhook, type WebhookReceiver } from './helpers.js';

let sim: MeldSimulator;
let receiver: WebhookReceiver;

const verified = (webhook: ReceivedWebhook, url = receiver.url) =>
  verifyMeldWebhook({ secret: sim.webhookSecret, url, rawBody: webhook.rawBody, headers: webhook.headers });

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await createMeldSimulator({
    webhookUrl: receiver.url,
    webhookSecret: 'whsec_for_tests',
    connections: [
      { id: 'conn_a', externalCustomerId: 'user_1', status: 'ACTIVE', institutionId: 'ins_a' },
      { id: 'conn_b', externalCustomerId: 'user_2', status: 'RECONNECT_REQUIRED', statusReason: 'TOKEN_EXPIRED' },
    ],
  });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(() => {
  sim.reset();
  sim.setWebhookUrl(receiver.url);
  receiver.received.length = 0;
  receiver.answer = { status: 200 };
});

describe('setStatus', () => {
  it('given every row of STATUS_TABLE, should send a signed STATUS_CHANGE exactly as Meld would', async () => {
    expect(STATUS_TABLE).toHaveLength(23);
    const eventIds = new Set<string>();
    let previous = { status: 'ACTIVE', reason: null as string | null };
    for (const row of STATUS_TABLE) {
      const label = `${row.status}/${row.reason}`;
      const delivery = await sim.setStatus('conn_a', row.status, row.reason);
      expect(delivery, label).toMatchObject({ state: 'delivered', status: 200, eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', connectionId: 'conn_a', url: receiver.url });
      expect(delivery.ms, label).toBeGreaterThanOrEqual(0);
      const webhook = receiver.received.find((w) => w.json.eventId === delivery.eventId)!;
      expect(webhook.rawBody).toBe(delivery.rawBody);
      expect(await verified(webhook), label).toBe(true);
      // Independent of the kit: HMAC-SHA256(secret, timestamp.url.body), base64url with padding.
      const timestamp = webhook.headers['meld-signature-timestamp'] as string;
      const expected = createHmac('sha256', 'whsec_for_tests').update(`${timestamp}.${receiver.url}.${webhook.rawBody}`).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
      expect(webhook.headers['meld-signature']).toBe(expected);
      expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(webhook.json, label).toEqual({
        eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
        eventId: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
        timestamp: expect.any(String),
        accountId: 'sim_account',
        // A string, as Meld's envelopes carry (the webhook profile that sent it).
        profileId: 'sim_webhook_profile',
        version: '2026-02-03',
        // Exactly the keys of the guide's example: no field of the simulator's own.
        payload: {
          customerId: expect.stringMatching(/^cus_/),
          externalCustomerId: 'user_1',
          connectionId: 'conn_a',
          institutionId: 'ins_a',
          oldStatus: previous.status,
          oldStatusReason: previous.reason,
          newStatus: row.status,
          newStatusReason: row.reason,
          activeDuplicateConnectionId: null,
          serviceProviderDetails: expect.objectContaining({ serviceProvider: 'PLAID', serviceProviderConnectionId: expect.any(String) }),
        },
      });
      expect(Number.isNaN(Date.parse(webhook.json.timestamp))).toBe(false);
      expect(eventIds.has(webhook.json.eventId)).toBe(false);
      eventIds.add(webhook.json.eventId);
      // Meld's API says the same.
      expect(sim.getConnection('conn_a'), label).toMatchObject({ status: row.status, statusReason: row.reason });
      previous = { status: row.status, reason: row.reason };
    }
    await sim.settled();
    // One STATUS_CHANGE per row, plus NEW_ACCOUNTS_AVAILABLE beside its row.
    expect(receiver.received.filter((w) => w.json.eventType === 'BANK_LINKING_CONNECTION_STATUS_CHANGE')).toHaveLength(23);
    expect(receiver.received.filter((w) => w.json.eventType !== 'BANK_LINKING_CONNECTION_STATUS_CHANGE').map((w) => w.json.eventType)).toEqual(['BANK_LINKING_NEW_ACCOUNTS_AVAILABLE']);
  });

  it("given no reason, should use the status's reason-less row or its first reason", async () => {
    await sim.setStatus('conn_a', 'RECONNECT_REQUIRED');
    expect(sim.getConnection('conn_a')?.statusReason).toBe('LOGIN_REQUIRED');
    await sim.setStatus('conn_a', 'ACTIVE');
    expect(sim.getConnection('conn_a')?.statusReason).toBeNull();
    await sim.setStatus('conn_a', 'UNDETERMINED');
    expect(sim.getConnection('conn_a')?.statusReason).toBe('AGGREGATION_TIMEOUT');
  });

  it('given a status Meld may add later, should send it (the UI must cope); given a malformed one, should throw invalid-status', async () => {
    const delivery = await sim.setStatus('conn_a', 'PAUSED_BY_PROVIDER', 'NEW_REASON');
    expect(delivery.payload).toMatchObject({ newStatus: 'PAUSED_BY_PROVIDER', newStatusReason: 'NEW_REASON' });
    await expect(sim.setStatus('conn_a', 'active')).rejects.toMatchObject({ name: 'MeldTestingError', kind: 'invalid-status' });
    await expect(sim.setStatus('conn_a', 'ACTIVE', 'nope')).rejects.toThrow(/upper case/);
    await expect(sim.setStatus('conn_zzz', 'ACTIVE')).rejects.toMatchObject({ kind: 'unknown-connection' });
    expect(receiver.received).toHaveLength(1);
  });

  it("given institutionMessage, should put it where a provider does (Plaid's error.display_message), never in a field Meld lacks, until the next change", async () => {
    const message = 'Open your bank app and approve "Meld" under Connected apps.';
    const delivery = await sim.setStatus('conn_a', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionMessage: message });
    expect(delivery.payload).not.toHaveProperty('institutionMessage');
    expect(delivery.payload.serviceProviderDetails).toMatchObject({ serviceProvider: 'PLAID', error: { error_code: 'USER_SETUP_REQUIRED', display_message: message } });
    expect(receiver.received[0]!.json.payload).toMatchObject({ serviceProviderDetails: { error: { display_message: message } } });
    expect(sim.getConnection('conn_a')).not.toHaveProperty('institutionMessage');
    expect(sim.getConnection('conn_a')?.serviceProviderDetails).toMatchObject({ error: { display_message: message } });
    // The host backend reads it back with the kit's reader.
    expect(readInstitutionMessage(sim.getConnection('conn_a')?.serviceProviderDetails)).toBe(message);
    const next = await sim.setStatus('conn_a', 'ACTIVE', null);
    expect(next.payload.serviceProviderDetails).not.toHaveProperty('error');
    expect(readInstitutionMessage(sim.getConnection('conn_a')?.serviceProviderDetails)).toBeUndefined();
  });

  it('given ACTIVE + NEW_ACCOUNTS_AVAILABLE or CUSTOMER_ACTION_REQUIRED, should also send the event the guides list for it', async () => {
    await sim.setStatus('conn_a', 'ACTIVE', 'NEW_ACCOUNTS_AVAILABLE');
    await sim.setStatus('conn_a', 'CUSTOMER_ACTION_REQUIRED', null);
    await sim.settled();
    expect(receiver.received.map((w) => w.json.eventType)).toEqual([
      'BANK_LINKING_CONNECTION_STATUS_CHANGE',
      'BANK_LINKING_NEW_ACCOUNTS_AVAILABLE',
      'BANK_LINKING_CONNECTION_STATUS_CHANGE',
      'BANK_LINKING_CUSTOMER_ACTION_REQUIRED',
    ]);
    // Their payloads are undocumented: the simulator sends only the connection's ids.
    expect(receiver.received[3]!.json.payload).toEqual({ customerId: expect.any(String), externalCustomerId: 'user_1', connectionId: 'conn_a', institutionId: 'ins_a' });
  });
});

describe('delivery', () => {
  it('given webhookDelayMs, should wait that long before each webhook', async () => {
    const slow = await createMeldSimulator({ webhookUrl: receiver.url, webhookDelayMs: 150, connections: [{ id: 'c', externalCustomerId: 'u' }] });
    try {
      const started = performance.now();
      const delivery = await slow.setStatus('c', 'DEGRADED', 'INTERACTIVE_REFRESH');
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(delivery.state).toBe('delivered');
    } finally {
      await slow.close();
    }
  });

  it("should deliver one connection's events in order, even when the first waits", async () => {
    receiver.answer = { status: 200, delayMs: 40 };
    const first = sim.setStatus('conn_a', 'DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE');
    const second = sim.setStatus('conn_a', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED');
    const third = sim.setStatus('conn_a', 'ACTIVE', null);
    await Promise.all([first, second, third]);
    expect(receiver.received.map((w) => w.json.payload.newStatus)).toEqual(['DEGRADED', 'RECONNECT_REQUIRED', 'ACTIVE']);
  });

  it('given a receiver that answers 500, should resolve a failed delivery with the status (Meld would retry)', async () => {
    receiver.answer = { status: 500 };
    const delivery = await sim.setStatus('conn_a', 'DEGRADED', 'INTERACTIVE_REFRESH');
    expect(delivery).toMatchObject({ state: 'failed', status: 500, error: expect.stringContaining('500') });
    expect(sim.webhooks().at(-1)).toMatchObject({ state: 'failed', status: 500 });
  });

  it('given nobody listening, should resolve failed with the reason', async () => {
    sim.setWebhookUrl('http://127.0.0.1:9/webhooks');
    const delivery = await sim.setStatus('conn_a', 'DEGRADED', 'INTERACTIVE_REFRESH');
    expect(delivery).toMatchObject({ state: 'failed', status: undefined, error: expect.stringContaining('could not reach') });
  });

  it('given a receiver slower than webhookTimeoutMs, should give up and say so', async () => {
    const impatient = await createMeldSimulator({ webhookUrl: receiver.url, webhookTimeoutMs: 100, connections: [{ id: 'c', externalCustomerId: 'u' }] });
    receiver.answer = { status: 200, hang: true };
    try {
      const delivery = await impatient.setStatus('c', 'RECONNECT_REQUIRED');
      expect(delivery).toMatchObject({ state: 'failed', error: 'no answer within 100 ms' });
    } finally {
      await impatient.close();
    }
  });

  it('given no webhook URL, should skip the webhook (still changing the status) and name the fix', async () => {
    sim.setWebhookUrl(undefined);
    const delivery = await sim.setStatus('conn_a', 'RECONNECT_REQUIRED');
    expect(delivery).toMatchObject({ state: 'skipped', error: expect.stringContaining('setWebhookUrl') });
    expect(sim.getConnection('conn_a')?.status).toBe('RECONNECT_REQUIRED');
    expect(receiver.received).toHaveLength(0);
  });

  it('given setWebhookUrl with something that is not an http(s) URL, should throw invalid-option', () => {
    expect(() => sim.setWebhookUrl('/api/meld/webhooks')).toThrow(MeldTestingError);
    expect(() => sim.setWebhookUrl('ftp://x/y')).toThrow(/absolute http\(s\) URL/);
    expect(sim.webhookUrl).toBe(receiver.url);
  });

  it('should keep every delivery in webhooks(), as copies', async () => {
    await sim.setStatus('conn_a', 'RECONNECT_REQUIRED');
    await sim.setStatus('conn_b', 'ACTIVE', null);
    const [first, second] = sim.webhooks();
    expect([first!.connectionId, second!.connectionId]).toEqual(['conn_a', 'conn_b']);
    expect(first!.headers).toEqual({ 'meld-signature': expect.any(String), 'meld-signature-timestamp': expect.any(String) });
    first!.payload.newStatus = 'CHANGED';
    expect(sim.webhooks()[0]!.payload.newStatus).toBe('RECONNECT_REQUIRED');
  });
});

describe('redeliverWebhook', () => {
  it('should send the same event again with meld-retry-count, signed anew', async () => {
    const original = await sim.setStatus('conn_a', 'RECONNECT_REQUIRED');
    const again = await sim.redeliverWebhook(original.eventId);
    expect(again).toMatchObject({ eventId: original.eventId, retryCount: 1, state: 'delivered' });
    const [first, second] = receiver.received;
    expect(second!.json).toEqual(first!.json);
    expect(second!.headers['meld-retry-count']).toBe('1');
    expect(second!.headers['meld-retry-reason']).toEqual(expect.any(String));
    expect(await verified(second!)).toBe(true);
    expect((await sim.redeliverWebhook(original.eventId)).retryCount).toBe(2);
  });

  it('given an unknown event id, should reject with unknown-webhook', async () => {
    await expect(sim.redeliverWebhook('nope')).rejects.toMatchObject({ kind: 'unknown-webhook' });
  });
});

describe('reset and close', () => {
  it('given a webhook waiting for its delay, reset() should cancel it and forget the record', async () => {
    const slow = await createMeldSimulator({ webhookUrl: receiver.url, webhookDelayMs: 200, connections: [{ id: 'c', externalCustomerId: 'u' }] });
    try {
      const pending = slow.setStatus('c', 'RECONNECT_REQUIRED');
      expect(slow.webhooks()[0]!.state).toBe('pending');
      slow.reset();
      expect((await pending).state).toBe('cancelled');
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(receiver.received).toHaveLength(0);
      expect(slow.webhooks()).toEqual([]);
      expect(slow.getConnection('c')?.status).toBe('ACTIVE');
    } finally {
      await slow.close();
    }
  });

  it('settled() should resolve once nothing is pending', async () => {
    const slow = await createMeldSimulator({ webhookUrl: receiver.url, webhookDelayMs: 50, connections: [{ id: 'c', externalCustomerId: 'u' }] });
    try {
      void slow.setStatus('c', 'RECONNECT_REQUIRED');
      void slow.setStatus('c', 'ACTIVE');
      await slow.settled();
      expect(slow.webhooks().map((w) => w.state)).toEqual(['delivered', 'delivered']);
    } finally {
      await slow.close();
    }
  });

  it('given close() while a webhook waits, should cancel it', async () => {
    const slow = await createMeldSimulator({ webhookUrl: receiver.url, webhookDelayMs: 5000, connections: [{ id: 'c', externalCustomerId: 'u' }] });
    const pending = slow.setStatus('c', 'RECONNECT_REQUIRED');
    await slow.close();
    expect((await pending).state).toBe('cancelled');
  });
});
