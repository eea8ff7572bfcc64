// createMeldSimulator itself: defaults, construction errors that name the
// fix, seeds, copies, reset and close.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMeldSimulator, MeldTestingError, type MeldSimulator, type MeldSimulatorOptions } from '../../src/testing/index.js';
import { meldCall } from './helpers.js';

const open: MeldSimulator[] = [];
async function start(options?: MeldSimulatorOptions): Promise<MeldSimulator> {
  const sim = await createMeldSimulator(options);
  open.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
});

async function rejection(options: unknown): Promise<MeldTestingError> {
  const error = await createMeldSimulator(options as MeldSimulatorOptions).then(
    (sim) => {
      open.push(sim);
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeldTestingError);
  return error as MeldTestingError;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('createMeldSimulator', () => {
  it('given no options, should listen on two free loopback ports with the default key and secret', async () => {
    const sim = await start();
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.widgetOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.widgetOrigin).not.toBe(sim.url);
    expect(sim.controlUrl).toBe(`${sim.url}/__sim/`);
    expect([sim.apiKey, sim.webhookSecret, sim.webhookUrl]).toEqual(['sim_api_key', 'sim_webhook_secret', undefined]);
    expect(sim.listConnections()).toEqual([]);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections')).json).toEqual({ count: 0, remaining: 0, connections: [] });
  });

  it('given ports, a key and a secret, should use them', async () => {
    const [port, widgetPort] = [await freePort(), await freePort()];
    const sim = await start({ port, widgetPort, apiKey: 'sk_local', webhookSecret: 'whsec_local' });
    expect([sim.url, sim.widgetOrigin]).toEqual([`http://127.0.0.1:${port}`, `http://127.0.0.1:${widgetPort}`]);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections')).status).toBe(200);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections', undefined, { authorization: 'BASIC sim_api_key', 'meld-version': '2026-02-03' })).status).toBe(401);
  });

  it.each([
    [{ port: -1 }, /port must be an integer from 0 to 65535/],
    [{ port: 70_000 }, /port must be an integer/],
    [{ widgetPort: 1.5 }, /widgetPort must be an integer/],
    [{ port: 4100, widgetPort: 4100 }, /widgetPort must differ from port.*its own origin/],
    [{ apiKey: 'has space' }, /apiKey must be a non-empty string without spaces/],
    [{ apiKey: '' }, /apiKey/],
    [{ webhookSecret: '' }, /webhookSecret must be a non-empty string/],
    [{ webhookUrl: '/api/meld/webhooks' }, /absolute http\(s\) URL your webhook handler listens on/],
    [{ webhookDelayMs: -5 }, /webhookDelayMs must be a number of milliseconds/],
    [{ log: 'yes' }, /log must be a function/],
    [{ connections: {} }, /must be an array of connections/],
    [{ connections: [{ id: 'a' }] }, /connections \}\)\[0\]: every connection needs an externalCustomerId/],
    [{ connections: [{ externalCustomerId: 'u', status: 'broken' }] }, /the status must be upper case/],
    [{ connections: [{ externalCustomerId: 'u', id: 'has space' }] }, /a connection id is 1 to 128/],
  ])('given %j, should reject with a MeldTestingError naming the fix', async (options, message) => {
    const error = await rejection(options);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith('meld-reconnect-kit/testing: ')).toBe(true);
    expect(error.kind).toBe(/status must be/.test(String(message)) ? 'invalid-status' : 'invalid-option');
  });

  it('given two seeds with one id, should reject with duplicate-connection', async () => {
    const error = await rejection({ connections: [{ id: 'a', externalCustomerId: 'u' }, { id: 'a', externalCustomerId: 'u' }] });
    expect(error.kind).toBe('duplicate-connection');
  });

  it('given a port in use, should reject with port-in-use and leave nothing listening', async () => {
    const taken = await start();
    const port = Number(new URL(taken.url).port);
    const error = await rejection({ port });
    expect(error.kind).toBe('port-in-use');
    expect(error.message).toContain('pass port: 0');
    // The widget port in use: the API server it had opened is closed again.
    const apiPort = await freePort();
    const widgetError = await rejection({ port: apiPort, widgetPort: Number(new URL(taken.widgetOrigin).port) });
    expect(widgetError.message).toContain('widgetPort');
    await expect(fetch(`http://127.0.0.1:${apiPort}/`)).rejects.toThrow();
  });

  it('given no Node (a browser), should refuse with not-node', async () => {
    vi.stubGlobal('process', undefined);
    try {
      const error = await rejection({});
      expect(error.kind).toBe('not-node');
      expect(error.message).toContain('hostApiHandlers');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('given a DOM as well (a jsdom test environment), should still start', async () => {
    const scope = globalThis as Record<string, unknown>;
    scope.window = {};
    scope.document = {};
    try {
      const sim = await start();
      expect(sim.url).toMatch(/^http:/);
    } finally {
      delete scope.window;
      delete scope.document;
    }
  });

  it('should fill a seed with Meld-like defaults', async () => {
    const sim = await start({
      connections: [
        { externalCustomerId: 'u1' },
        { id: 'c2', externalCustomerId: 'u1', status: 'IN_PROGRESS' },
        { id: 'c3', externalCustomerId: 'u2', status: 'DEGRADED', institutionName: 'Lakeside Bank', institutionMessage: 'Approve it.', products: ['OWNERS'], successfullyAggregatedAt: null },
      ],
    });
    const [first, second, third] = sim.listConnections();
    expect(first).toMatchObject({ id: expect.stringMatching(/^[A-Za-z0-9]{22}$/), status: 'ACTIVE', statusReason: null, institutionName: 'First Simulated Bank', products: ['TRANSACTIONS', 'IDENTIFIERS', 'BALANCES', 'OWNERS'] });
    expect(first!.serviceProviderDetails).toEqual({ serviceProvider: 'PLAID', serviceProviderConnectionId: expect.any(String) });
    expect(first!.successfullyAggregatedAt).toBe(first!.createdAt);
    expect(second).toMatchObject({ status: 'IN_PROGRESS', statusReason: null, successfullyAggregatedAt: null, customerId: first!.customerId });
    expect(third).toMatchObject({ status: 'DEGRADED', statusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE', institutionId: 'ins_lakeside_bank', products: ['OWNERS'], successfullyAggregatedAt: null });
    // The bank's message sits where a provider puts it, not in a field Meld lacks.
    expect(third).not.toHaveProperty('institutionMessage');
    expect(third!.serviceProviderDetails).toMatchObject({ serviceProvider: 'PLAID', error: { display_message: 'Approve it.' } });
    expect(third!.customerId).not.toBe(first!.customerId);
  });

  it('should hand out copies: changing them changes nothing', async () => {
    const seeds = [{ id: 'c', externalCustomerId: 'u', products: ['BALANCES'] }];
    const sim = await start({ connections: seeds });
    const copy = sim.getConnection('c')!;
    copy.status = 'DELETED';
    copy.products!.push('OWNERS');
    sim.listConnections()[0]!.status = 'EXPIRED';
    expect(sim.getConnection('c')).toMatchObject({ status: 'ACTIVE', products: ['BALANCES'] });
    expect(sim.getConnection('nope')).toBeUndefined();
    // Nor does the simulator change its seeds.
    await sim.setStatus('c', 'RECONNECT_REQUIRED');
    expect(seeds[0]).toEqual({ id: 'c', externalCustomerId: 'u', products: ['BALANCES'] });
  });

  it('addConnection should add (no webhook) and refuse duplicates', async () => {
    const sim = await start({ connections: [{ id: 'c', externalCustomerId: 'u' }] });
    expect(sim.addConnection({ id: 'd', externalCustomerId: 'u', status: 'UNRECOVERABLE' })).toMatchObject({ id: 'd', statusReason: 'CONTINUED_AGGREGATION_FAILURES' });
    expect(() => sim.addConnection({ id: 'c', externalCustomerId: 'u' })).toThrow(expect.objectContaining({ kind: 'duplicate-connection' }));
    expect(sim.webhooks()).toEqual([]);
  });

  it('reset() should return to the initial seeds; reset(seeds) to those; a bad list changes nothing', async () => {
    const sim = await start({ connections: [{ id: 'c', externalCustomerId: 'u' }] });
    sim.addConnection({ id: 'extra', externalCustomerId: 'u' });
    await meldCall(sim, 'GET', '/bank-linking/connections');
    sim.failNext('list', { status: 500 });
    sim.reset();
    expect(sim.listConnections().map((c) => c.id)).toEqual(['c']);
    expect(sim.requests()).toEqual([]);
    expect((await meldCall(sim, 'GET', '/bank-linking/connections')).status).toBe(200);
    sim.reset([{ id: 'x', externalCustomerId: 'u' }]);
    expect(sim.listConnections().map((c) => c.id)).toEqual(['x']);
    expect(() => sim.reset([{ id: 'y' } as never])).toThrow(MeldTestingError);
    expect(sim.listConnections().map((c) => c.id)).toEqual(['x']);
    sim.reset();
    expect(sim.listConnections().map((c) => c.id)).toEqual(['c']);
  });

  it('given log, should report requests and steps', async () => {
    const lines: string[] = [];
    const sim = await start({ log: (line) => lines.push(line), connections: [{ id: 'c', externalCustomerId: 'u' }] });
    await meldCall(sim, 'GET', '/bank-linking/connections/c');
    await sim.setStatus('c', 'RECONNECT_REQUIRED');
    expect(lines[0]).toMatch(/^\[meld-sim\] Meld API http:\/\/127\.0\.0\.1:\d+, widget http/);
    expect(lines).toContain('[meld-sim] meld GET /bank-linking/connections/c -> 200');
    expect(lines).toContain('[meld-sim] status c: ACTIVE -> RECONNECT_REQUIRED/LOGIN_REQUIRED');
    expect(lines).toContain('[meld-sim] webhook CONNECTION_STATUS_CHANGE c skipped (no webhook URL)');
  });

  it('close() should free both ports, be safe to call twice, and make later changes throw closed', async () => {
    const sim = await createMeldSimulator({ connections: [{ id: 'c', externalCustomerId: 'u' }] });
    await sim.close();
    await sim.close();
    await expect(fetch(`${sim.url}/bank-linking/connections`)).rejects.toThrow();
    await expect(fetch(`${sim.widgetOrigin}/widget`)).rejects.toThrow();
    await expect(sim.setStatus('c', 'ACTIVE')).rejects.toMatchObject({ kind: 'closed' });
    expect(() => sim.reset()).toThrow(/closed; create a new one/);
    // What was there stays readable.
    expect(sim.getConnection('c')?.id).toBe('c');
  });
});
