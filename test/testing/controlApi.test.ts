// The control API and page under `${url}/__sim/`: what the demo's control
// panel calls from a browser on another origin (CORS), without the Meld key.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STATUS_TABLE } from '../../src/core/index.js';
import { verifyMeldWebhook } from '../../src/server/index.js';
import { createMeldSimulator, type MeldSimulator } from '../../src/testing/index.js';
import { control, meldCall, repairSession, signIn, startReceiver, type WebhookReceiver } from './helpers.js';

let sim: MeldSimulator;
let receiver: WebhookReceiver;
const ORIGIN = { origin: 'http://localhost:5173' };

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await createMeldSimulator({
    webhookUrl: receiver.url,
    connections: [
      { id: 'conn_1', externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' },
      { id: 'conn_2', externalCustomerId: 'user_1', status: 'ACTIVE' },
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
});

describe('the control page', () => {
  it('should serve an accessible HTML page at /__sim/ (and redirect /__sim there)', async () => {
    expect(sim.controlUrl).toBe(`${sim.url}/__sim/`);
    const redirect = await fetch(`${sim.url}/__sim`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, '/__sim/']);
    const response = await fetch(sim.controlUrl);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>Meld simulator</title>');
    for (const id of ['webhook-url', 'add-customer', 'add-bank', 'add-status']) expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain('role="status"');
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//);
    // Names from seeds are set as text, never as HTML.
    expect(html).not.toContain('innerHTML');
  });
});

describe('CORS', () => {
  it('should allow any origin on /__sim routes, with a preflight', async () => {
    const preflight = await fetch(`${sim.url}/__sim/connections/conn_1/status`, {
      method: 'OPTIONS',
      headers: { ...ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    const state = await control(sim, 'GET', '/state', undefined, ORIGIN);
    expect(state.headers.get('access-control-allow-origin')).toBe('*');
    const missing = await control(sim, 'GET', '/nope', undefined, ORIGIN);
    expect([missing.status, missing.headers.get('access-control-allow-origin')]).toEqual([404, '*']);
  });

  it('should never add CORS to the Meld API on the same port', async () => {
    const response = await meldCall(sim, 'GET', '/bank-linking/connections', undefined, { ...ORIGIN, authorization: `BASIC ${sim.apiKey}`, 'meld-version': '2026-02-03' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the control API', () => {
  it('GET /state: addresses, connections, the status table and the widget behaviours; no key needed', async () => {
    const { status, json } = await control(sim, 'GET', '/state');
    expect(status).toBe(200);
    expect(json).toMatchObject({ url: sim.url, widgetOrigin: sim.widgetOrigin, controlUrl: sim.controlUrl, webhookUrl: receiver.url });
    expect((json.connections as Array<{ id: string }>).map((c) => c.id)).toEqual(['conn_1', 'conn_2']);
    expect(json.statusTable).toHaveLength(STATUS_TABLE.length);
    expect((json.statusTable as unknown[])[11]).toEqual({ status: 'RECONNECT_REQUIRED', reason: 'LOGIN_REQUIRED', description: expect.any(String), canRefresh: true, canReconnect: true });
    expect(json.behaviours).toEqual(['ok', 'wrong-password', 'provider-failure', 'slow-webhook', 'never-answers']);
    expect(JSON.stringify(json)).not.toContain(sim.apiKey);
    expect(sim.requests()).toEqual([]); // control calls are not Meld API requests
    expect((await control(sim, 'GET', '/status-table')).json.rows).toHaveLength(23);
  });

  it('GET /connections and /connections/:id', async () => {
    expect(((await control(sim, 'GET', '/connections')).json.connections as unknown[]).length).toBe(2);
    expect((await control(sim, 'GET', '/connections/conn_1')).json.connection).toMatchObject({ id: 'conn_1', status: 'RECONNECT_REQUIRED' });
    const missing = await control(sim, 'GET', '/connections/nope');
    expect([missing.status, missing.json.code]).toEqual([404, 'unknown-connection']);
  });

  it('POST /connections/:id/status: sets the row and sends the signed webhook, answering with its delivery', async () => {
    const answer = await control(sim, 'POST', '/connections/conn_2/status', {
      status: 'DEGRADED',
      statusReason: 'INSTITUTION_ACTION_REQUIRED',
      institutionMessage: 'Approve access in your bank app.',
    });
    expect(answer.status).toBe(200);
    expect(answer.json.connection).toMatchObject({ status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', serviceProviderDetails: { error: { display_message: 'Approve access in your bank app.' } } });
    expect(answer.json.webhook).toMatchObject({ state: 'delivered', status: 200, eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE' });
    const [webhook] = receiver.received;
    expect(webhook!.json.payload).toMatchObject({ connectionId: 'conn_2', newStatus: 'DEGRADED', serviceProviderDetails: { error: { display_message: 'Approve access in your bank app.' } } });
    expect(webhook!.json.payload).not.toHaveProperty('institutionMessage');
    expect(await verifyMeldWebhook({ secret: sim.webhookSecret, url: receiver.url, rawBody: webhook!.rawBody, headers: webhook!.headers })).toBe(true);
    // A null reason, and no reason (the status's default).
    expect((await control(sim, 'POST', '/connections/conn_2/status', { status: 'ACTIVE', statusReason: null })).json.connection).toMatchObject({ statusReason: null });
    expect((await control(sim, 'POST', '/connections/conn_2/status', { status: 'UNRECOVERABLE' })).json.connection).toMatchObject({ statusReason: 'CONTINUED_AGGREGATION_FAILURES' });
  });

  it('POST /connections/:id/status with a bad status or an unknown id: 400 / 404 with the fix', async () => {
    const bad = await control(sim, 'POST', '/connections/conn_2/status', { status: 'broken' });
    expect([bad.status, bad.json.code]).toEqual([400, 'invalid-status']);
    expect(bad.json.message).toContain('upper case');
    expect((await control(sim, 'POST', '/connections/nope/status', { status: 'ACTIVE' })).status).toBe(404);
    expect((await control(sim, 'POST', '/connections/conn_2/status', '{' as never)).status).toBe(400);
  });

  it('POST /connections/:id/widget: scripts the next sign-in', async () => {
    expect((await control(sim, 'POST', '/connections/conn_1/widget', { behaviour: 'wrong-password' })).status).toBe(200);
    const { token } = await repairSession(sim, 'conn_1');
    expect((await signIn(sim, token)).json.view).toBe('error');
    expect((await control(sim, 'POST', '/connections/conn_1/widget', { behaviour: 'explode' })).status).toBe(400);
  });

  it('POST /connections/:id/fail-next-refresh and /refresh-script', async () => {
    await control(sim, 'POST', '/connections/conn_2/fail-next-refresh', {});
    const refused = await meldCall(sim, 'POST', '/bank-linking/connections/conn_2/refresh', {});
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '10800']);
    await control(sim, 'POST', '/connections/conn_2/fail-next-refresh', { status: 500 });
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_2/refresh', {})).status).toBe(500);
    await control(sim, 'POST', '/connections/conn_2/refresh-script', { status: 'UNDETERMINED', statusReason: 'AGGREGATION_TIMEOUT' });
    expect((await meldCall(sim, 'POST', '/bank-linking/connections/conn_2/refresh', {})).status).toBe(202);
    await receiver.waitFor(1);
    expect(receiver.received[0]!.json.payload).toMatchObject({ newStatus: 'UNDETERMINED', newStatusReason: 'AGGREGATION_TIMEOUT' });
  });

  it('POST /fail-next: any operation', async () => {
    expect((await control(sim, 'POST', '/fail-next', { operation: 'repair', connectionId: 'conn_1', status: 500 })).status).toBe(200);
    expect((await meldCall(sim, 'POST', '/bank-linking/connect/repair', { connectionId: 'conn_1' })).status).toBe(500);
    expect((await control(sim, 'POST', '/fail-next', { operation: 'repair', status: 200 })).status).toBe(400);
  });

  it('POST /connections: adds one (201); a bad seed is 400, a duplicate 409', async () => {
    const added = await control(sim, 'POST', '/connections', { id: 'conn_new', externalCustomerId: 'user_1', status: 'DEGRADED', statusReason: 'INTERACTIVE_REFRESH' });
    expect(added.status).toBe(201);
    expect(added.json.connection).toMatchObject({ id: 'conn_new', status: 'DEGRADED' });
    expect((await meldCall(sim, 'GET', '/bank-linking/connections/conn_new')).status).toBe(200);
    const bad = await control(sim, 'POST', '/connections', { status: 'ACTIVE' });
    expect([bad.status, bad.json.code]).toEqual([400, 'invalid-option']);
    expect(bad.json.message).toContain('externalCustomerId');
    expect((await control(sim, 'POST', '/connections', { id: 'conn_new', externalCustomerId: 'u' })).status).toBe(409);
  });

  it('PUT /webhook-url: sets and clears where webhooks go', async () => {
    expect((await control(sim, 'PUT', '/webhook-url', { url: 'http://127.0.0.1:9/hooks' })).json).toEqual({ webhookUrl: 'http://127.0.0.1:9/hooks' });
    expect(sim.webhookUrl).toBe('http://127.0.0.1:9/hooks');
    expect((await control(sim, 'GET', '/webhook-url')).json.webhookUrl).toBe('http://127.0.0.1:9/hooks');
    expect((await control(sim, 'PUT', '/webhook-url', { url: 'not a url' })).status).toBe(400);
    expect((await control(sim, 'PUT', '/webhook-url', { url: null })).json).toEqual({ webhookUrl: null });
  });

  it('GET /requests and /webhooks; POST /webhooks/:eventId/redeliver', async () => {
    await meldCall(sim, 'GET', '/bank-linking/connections/conn_1');
    expect((await control(sim, 'GET', '/requests')).json.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/bank-linking/connections/conn_1', status: 200 })]);
    const { json } = await control(sim, 'POST', '/connections/conn_1/status', { status: 'ACTIVE', statusReason: null });
    const eventId = (json.webhook as { eventId: string }).eventId;
    expect(((await control(sim, 'GET', '/webhooks')).json.webhooks as unknown[]).length).toBe(1);
    const again = await control(sim, 'POST', `/webhooks/${eventId}/redeliver`);
    expect(again.json.webhook).toMatchObject({ eventId, retryCount: 1 });
    expect((await control(sim, 'POST', '/webhooks/nope/redeliver')).status).toBe(404);
  });

  it('POST /reset: back to the initial connections, or to the ones given', async () => {
    await control(sim, 'POST', '/connections/conn_1/status', { status: 'ACTIVE' });
    const reset = await control(sim, 'POST', '/reset', {});
    expect((reset.json.connections as Array<{ status: string }>)[0]!.status).toBe('RECONNECT_REQUIRED');
    const replaced = await control(sim, 'POST', '/reset', { connections: [{ id: 'only', externalCustomerId: 'u' }] });
    expect((replaced.json.connections as Array<{ id: string }>).map((c) => c.id)).toEqual(['only']);
    expect((await control(sim, 'POST', '/reset', { connections: [{ id: 'x' }] })).status).toBe(400);
    expect(sim.listConnections().map((c) => c.id)).toEqual(['only']);
  });
});
