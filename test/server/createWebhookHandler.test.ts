import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMeldClient,
  createMemoryEventBus,
  createWebhookHandler,
  type ConnectionEvent,
  type MemoryEventBus,
  type MeldWebhookEvent,
  type WebhookErrorContext,
  type WebhookHandlerOptions,
} from '../../src/server/index.js';
import { FAKE_KEY, meldConnection, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';
import { serve } from './helpers/serve.js';
import { SECRET, signedRequest, statusChange, WEBHOOK_URL } from './helpers/webhooks.js';

let bus: MemoryEventBus;
let published: ConnectionEvent[];
let seen: MeldWebhookEvent[];
let errors: Array<{ error: unknown; context: WebhookErrorContext }>;
let meld: FakeMeld;

function handler(overrides: Partial<WebhookHandlerOptions> = {}) {
  return createWebhookHandler({
    secret: SECRET,
    url: WEBHOOK_URL,
    bus,
    onEvent: (event) => void seen.push(event),
    onError: (error, context) => errors.push({ error, context }),
    ...overrides,
  });
}

beforeAll(async () => {
  meld = await startFakeMeld();
});
afterAll(() => meld.close());

beforeEach(async () => {
  bus = createMemoryEventBus();
  published = [];
  seen = [];
  errors = [];
  // Listen as a stream would, for the two customers the tests use.
  for (const customer of ['alice', 'bob']) await bus.subscribe(customer, (event) => published.push(event));
});

const change = (extra: Record<string, unknown> = {}, eventId?: string) =>
  statusChange({ connectionId: 'a1', externalCustomerId: 'alice', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED', ...extra }, eventId);

describe('createWebhookHandler', () => {
  it('given a signed STATUS_CHANGE, should answer 200 and publish a checked event to its customer only', async () => {
    const envelope = change();
    const response = await handler()(signedRequest(envelope));
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ received: true });
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual({
      id: expect.any(String),
      externalCustomerId: 'alice',
      event: {
        eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
        eventId: envelope.eventId,
        timestamp: envelope.timestamp,
        payload: {
          connectionId: 'a1',
          newStatus: 'RECONNECT_REQUIRED',
          newStatusReason: 'LOGIN_REQUIRED',
          oldStatus: 'ACTIVE',
          oldStatusReason: null,
          institutionId: 'inst_1',
          activeDuplicateConnectionId: null,
          serviceProviderDetails: { serviceProvider: 'MX' },
        },
      },
    });
    expect(seen.map((e) => e.eventId)).toEqual([envelope.eventId]);
  });

  describe('signature', () => {
    const cases: Array<[string, () => Request]> = [
      ['a wrong secret', () => signedRequest(change(), { secret: 'not-the-secret' })],
      ['another URL signed', () => signedRequest(change(), { url: 'https://evil.example/api/meld/webhooks', target: WEBHOOK_URL })],
      ['a stale timestamp (6 minutes)', () => signedRequest(change(), { timestamp: new Date(Date.now() - 360_000).toISOString() })],
      ['no signature', () => new Request(WEBHOOK_URL, { method: 'POST', body: JSON.stringify(change()) })],
      [
        'a body changed after signing',
        () => {
          const signed = signedRequest(change());
          const body = JSON.stringify(change({ externalCustomerId: 'bob' }));
          return new Request(WEBHOOK_URL, { method: 'POST', headers: signed.headers, body });
        },
      ],
    ];
    for (const [name, make] of cases) {
      it(`given ${name}, should answer 401, publish nothing and call no callback`, async () => {
        const response = await handler()(make());
        expect(response.status).toBe(401);
        await expect(response.json()).resolves.toMatchObject({ code: 'INVALID_SIGNATURE' });
        expect(published).toEqual([]);
        expect(seen).toEqual([]);
      });
    }

    it('given a valid epoch-seconds timestamp, should accept it', async () => {
      const response = await handler()(signedRequest(change(), { timestamp: String(Math.floor(Date.now() / 1000)) }));
      expect(response.status).toBe(200);
    });
  });

  describe('deduplication', () => {
    it('given the same eventId again (a Meld retry), should answer 200 and publish once', async () => {
      const h = handler();
      const envelope = change();
      expect((await h(signedRequest(envelope))).status).toBe(200);
      const again = await h(signedRequest(envelope, { timestamp: new Date(Date.now() + 1000).toISOString() }));
      expect(again.status).toBe(200);
      await expect(again.json()).resolves.toEqual({ received: true, duplicate: true });
      expect(published).toHaveLength(1);
      expect(seen).toHaveLength(1);
    });

    it('given concurrent deliveries of one eventId, should publish once', async () => {
      const h = handler();
      const envelope = change();
      const answers = await Promise.all(Array.from({ length: 10 }, () => h(signedRequest(envelope))));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(published).toHaveLength(1);
    });

    it('given more ids than dedupeSize, should forget the oldest (memory stays bounded)', async () => {
      const h = handler({ dedupeSize: 3 });
      const first = change({}, 'evt_first');
      await h(signedRequest(first));
      for (let i = 0; i < 3; i += 1) await h(signedRequest(change({}, `evt_other_${i}`)));
      await h(signedRequest(first));
      expect(published.filter((e) => e.event.eventId === 'evt_first')).toHaveLength(2);
    });
  });

  describe('routing and checks', () => {
    it('given the event types the kit has no use for, should accept them (200), call onEvent and publish nothing', async () => {
      const h = handler();
      const types = [
        'WEBHOOK_TEST',
        'BANK_LINKING_CONNECTION_COMPLETED',
        'BANK_LINKING_ACCOUNTS_UPDATING',
        'BANK_LINKING_ACCOUNTS_REMOVED',
        'BANK_LINKING_HISTORICAL_TRANSACTIONS_AGGREGATED',
        'BANK_LINKING_SOMETHING_MELD_ADDS_LATER',
      ];
      for (const eventType of types) {
        expect((await h(signedRequest({ eventType, eventId: `e_${eventType}`, payload: { connectionId: 'a1', externalCustomerId: 'alice' } }))).status).toBe(200);
      }
      expect(seen).toHaveLength(types.length);
      expect(published).toEqual([]);
      expect(errors).toEqual([]);
    });

    it.each(['BANK_LINKING_ACCOUNTS_UPDATED', 'BANK_LINKING_TRANSACTIONS_AGGREGATED'])(
      'given %s, should push only the connection and its successfullyAggregatedAt ("last updated")',
      async (eventType) => {
        await handler()(signedRequest({
          eventType,
          eventId: `e_${eventType}`,
          timestamp: '2026-12-01T10:00:00Z',
          payload: { customerId: 'cus_x', externalCustomerId: 'alice', connectionId: 'a1', requestId: 'r1', successfullyAggregatedAt: '2026-12-01T09:59:58Z', financialAccounts: [{ id: 'acc_secret', products: ['BALANCES'] }] },
        }));
        expect(published.map((e) => [e.externalCustomerId, e.event])).toEqual([
          ['alice', { eventType, eventId: `e_${eventType}`, timestamp: '2026-12-01T10:00:00Z', payload: { connectionId: 'a1', successfullyAggregatedAt: '2026-12-01T09:59:58Z' } }],
        ]);
        // Without a date there is nothing to say: dropped, and said why.
        await handler()(signedRequest({ eventType, eventId: `e2_${eventType}`, payload: { externalCustomerId: 'alice', connectionId: 'a1' } }));
        expect(published).toHaveLength(1);
        expect(errors.map((e) => e.context.phase)).toEqual(['dropped']);
      },
    );

    it.each([
      ['BANK_LINKING_CUSTOMER_ACTION_REQUIRED', 'CUSTOMER_ACTION_REQUIRED', null],
      ['BANK_LINKING_NEW_ACCOUNTS_AVAILABLE', 'ACTIVE', 'NEW_ACCOUNTS_AVAILABLE'],
    ] as const)('given %s (no documented payload), should read the connection from Meld and push what it says', async (eventType, status, reason) => {
      meld.reset();
      meld.add(meldConnection('b7', 'bob', { status, statusReason: reason, successfullyAggregatedAt: '2026-11-30T08:00:00Z' }));
      const h = handler({ meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url }) });
      // Whatever the payload claims, the connection as Meld reads it decides (and whose it is).
      const response = await h(signedRequest({ eventType, eventId: `e_${eventType}`, timestamp: '2026-12-01T10:00:00Z', payload: { connectionId: 'b7', externalCustomerId: 'alice', newStatus: 'ACTIVE' } }));
      expect(response.status).toBe(200);
      expect(published).toEqual([
        {
          id: expect.any(String),
          externalCustomerId: 'bob',
          event: {
            eventType,
            eventId: `e_${eventType}`,
            timestamp: '2026-12-01T10:00:00Z',
            payload: {
              connectionId: 'b7',
              newStatus: status,
              newStatusReason: reason,
              institutionId: 'inst_1',
              activeDuplicateConnectionId: null,
              serviceProviderDetails: { serviceProvider: 'MX' },
              successfullyAggregatedAt: '2026-11-30T08:00:00Z',
            },
          },
        },
      ]);
      expect(meld.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /bank-linking/connections/b7']);
    });

    it('given CUSTOMER_ACTION_REQUIRED and no meld client, should drop it and name the fix; a failed read answers 500 so Meld retries', async () => {
      const envelope = { eventType: 'BANK_LINKING_CUSTOMER_ACTION_REQUIRED', eventId: 'e_car', payload: { connectionId: 'b7' } };
      expect((await handler()(signedRequest(envelope))).status).toBe(200);
      expect(String(errors[0]!.error)).toMatch(/pass \{ meld \}/);
      meld.reset();
      const h = handler({ meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url, retries: 0 }) });
      expect((await h(signedRequest({ ...envelope, eventId: 'e_car2' }))).status).toBe(500);
      expect(errors.at(-1)!.context).toMatchObject({ phase: 'lookup', retried: true });
      expect(published).toEqual([]);
    });

    it("given DEGRADED + INSTITUTION_ACTION_REQUIRED with Plaid's error object, should push the bank's display_message, never the developer error_message", async () => {
      const details = {
        serviceProvider: 'PLAID',
        error: { error_type: 'ITEM_ERROR', error_code: 'USER_SETUP_REQUIRED', error_message: 'internal: setup flag 7 missing', display_message: 'Finish setting up online banking at Lakeside, then come back.' },
      };
      const h = handler();
      await h(signedRequest(change({ newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', serviceProviderDetails: details })));
      expect(published[0]!.event.payload).toMatchObject({ institutionMessage: 'Finish setting up online banking at Lakeside, then come back.', serviceProviderDetails: { serviceProvider: 'PLAID' } });
      expect(JSON.stringify(published[0])).not.toContain('flag 7');
      // Other statuses send no message, even when the provider has one.
      await h(signedRequest(change({ newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED', serviceProviderDetails: details })));
      expect(published[1]!.event.payload).not.toHaveProperty('institutionMessage');
      // Meld's own example: Plaid's error with display_message null.
      await h(signedRequest(change({ newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', serviceProviderDetails: { serviceProvider: 'PLAID', error: { display_message: null } } })));
      expect(published[2]!.event.payload).not.toHaveProperty('institutionMessage');
    });

    it('given an institutionMessage reader, should use it; false sends none; a reader that throws is reported and sends none', async () => {
      const mx = { serviceProvider: 'MX', member: { connection_status_message: 'Answer the MFA question in your bank app.' } };
      const action = change({ newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', serviceProviderDetails: mx });
      await handler({ institutionMessage: (source) => (source.serviceProviderDetails?.member as { connection_status_message?: string } | undefined)?.connection_status_message })(signedRequest(action));
      expect(published[0]!.event.payload.institutionMessage).toBe('Answer the MFA question in your bank app.');
      const plaid = change({ newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', serviceProviderDetails: { error: { display_message: 'x' } } }, 'evt_false');
      await handler({ institutionMessage: false })(signedRequest(plaid));
      expect(published[1]!.event.payload).not.toHaveProperty('institutionMessage');
      await handler({ institutionMessage: () => { throw new Error('reader broke'); } })(signedRequest({ ...plaid, eventId: 'evt_throw' }));
      expect(published[2]!.event.payload).not.toHaveProperty('institutionMessage');
      expect(errors.map((e) => [e.context.phase, String(e.error)])).toEqual([['enrich', 'Error: reader broke']]);
    });

    it('given CONNECTION_DELETED without externalCustomerId and a meld client, should look the customer up', async () => {
      meld.reset();
      meld.add(meldConnection('b9', 'bob', { status: 'DELETED' }));
      const h = handler({ meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url }) });
      const response = await h(signedRequest({ eventType: 'BANK_LINKING_CONNECTION_DELETED', eventId: 'evt_del', timestamp: new Date().toISOString(), payload: { connectionId: 'b9' } }));
      expect(response.status).toBe(200);
      expect(published).toEqual([
        { id: expect.any(String), externalCustomerId: 'bob', event: { eventType: 'BANK_LINKING_CONNECTION_DELETED', eventId: 'evt_del', timestamp: expect.any(String), payload: { connectionId: 'b9' } } },
      ]);
    });

    it('given an event with no customer and no meld client, should drop it from the stream and say why', async () => {
      const response = await handler()(signedRequest({ eventType: 'BANK_LINKING_CONNECTION_DELETED', eventId: 'evt_del2', payload: { connectionId: 'b9' } }));
      expect(response.status).toBe(200);
      expect(published).toEqual([]);
      expect(errors[0]!.context).toMatchObject({ phase: 'dropped', eventId: 'evt_del2', retried: false });
      expect(String(errors[0]!.error)).toMatch(/externalCustomerId/);
    });

    it("given hostile or oversized fields from the webhook, should pass none of them to the stream", async () => {
      await handler()(signedRequest(change({
        connectionId: 'a1',
        newStatus: 'ACTIVE',
        newStatusReason: '<img src=x onerror=alert(1)>',
        oldStatus: 'x'.repeat(10_000),
        institutionId: 'inst 1\n',
        serviceProviderDetails: { serviceProvider: 'MX', accessToken: 'provider-token', nested: { deep: true } },
        customerId: 'cus_secret',
        extra: 'y'.repeat(100_000),
      })));
      expect(published).toHaveLength(1);
      const text = JSON.stringify(published[0]);
      expect(published[0]!.event.payload).toEqual({ connectionId: 'a1', newStatus: 'ACTIVE', newStatusReason: null, oldStatusReason: null, activeDuplicateConnectionId: null, serviceProviderDetails: { serviceProvider: 'MX' } });
      expect(text.length).toBeLessThan(600);
      for (const leak of ['onerror', 'provider-token', 'cus_secret', 'yyyy', 'alice']) expect(text.slice(text.indexOf('"event"'))).not.toContain(leak);
    });

    it('given a STATUS_CHANGE whose status is not a status, should drop it and report', async () => {
      await handler()(signedRequest(change({ newStatus: 'active<script>' })));
      await handler()(signedRequest(change({ connectionId: 'a b' })));
      expect(published).toEqual([]);
      expect(errors.map((e) => e.context.phase)).toEqual(['dropped', 'dropped']);
    });

    it('given enrich, should add the institution message as plain text (winning over the derived one)', async () => {
      const h = handler({ enrich: (event) => (event.payload.newStatusReason === 'INSTITUTION_ACTION_REQUIRED' ? { institutionMessage: 'Approve Meld in\u0000 your bank app.' } : undefined) });
      await h(signedRequest(change({ newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED' })));
      await h(signedRequest(change({ newStatus: 'ACTIVE', newStatusReason: null })));
      expect(published[0]!.event.payload.institutionMessage).toBe('Approve Meld in your bank app.');
      expect(published[1]!.event.payload).not.toHaveProperty('institutionMessage');
    });
  });

  describe('answering Meld', () => {
    it('given onEvent throws, should answer 500 (Meld retries) and process the retry', async () => {
      let fail = true;
      const h = handler({
        onEvent: () => {
          if (fail) throw new Error('db down');
        },
      });
      const envelope = change();
      const first = await h(signedRequest(envelope));
      expect(first.status).toBe(500);
      expect(await first.text()).not.toContain('db down');
      expect(published).toEqual([]);
      expect(errors[0]!.context).toMatchObject({ phase: 'onEvent', retried: true });
      fail = false;
      expect((await h(signedRequest(envelope))).status).toBe(200);
      expect(published).toHaveLength(1);
    });

    it('given the bus fails to publish, should answer 500 so Meld retries', async () => {
      const broken = { ...bus, publish: () => Promise.reject(new Error('redis down')) };
      const response = await handler({ bus: broken })(signedRequest(change()));
      expect(response.status).toBe(500);
      expect(errors[0]!.context.phase).toBe('publish');
    });

    it('given slow work, should answer 200 within ackTimeoutMs and still publish', async () => {
      const h = handler({ ackTimeoutMs: 50, onEvent: () => new Promise((resolve) => setTimeout(resolve, 300)) });
      const started = performance.now();
      const response = await h(signedRequest(change()));
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(250);
      expect(published).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(published).toHaveLength(1);
    });

    it('given a GET, an oversized body or a signed non-envelope, should answer 405, 413, 400', async () => {
      expect((await handler()(new Request(WEBHOOK_URL))).status).toBe(405);
      expect((await handler({ maxBodyBytes: 100 })(signedRequest(change()))).status).toBe(413);
      expect((await handler()(signedRequest('[1,2,3]'))).status).toBe(400);
      expect((await handler()(signedRequest({ eventType: 'X', eventId: 'bad id\n', payload: {} }))).status).toBe(400);
      expect(published).toEqual([]);
    });
  });

  it('given a real HTTP delivery through toNodeHandler, should verify the raw bytes and publish', async () => {
    const served = await serve(handler());
    try {
      const target = `${served.url}/api/meld/webhooks`;
      const request = signedRequest(change(), { target });
      const response = await fetch(target, { method: 'POST', headers: request.headers, body: await request.text() });
      expect(response.status).toBe(200);
      expect(published).toHaveLength(1);
    } finally {
      await served.close();
    }
  });

  it('given no secret or url, should throw an error that names the fix', () => {
    expect(() => createWebhookHandler({ url: WEBHOOK_URL } as never)).toThrow(/needs \{ secret \}.*MELD_WEBHOOK_SECRET/);
    expect(() => createWebhookHandler({ secret: SECRET } as never)).toThrow(/needs \{ url \}.*registered with Meld/);
  });
});
