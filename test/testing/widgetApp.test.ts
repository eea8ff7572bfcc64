// The simulated widget: its page over HTTP (what a person and Playwright
// see), and each scripted behaviour through the endpoints the page's script
// calls. What the page posts is checked with the kit's own parseWidgetMessage.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWidgetMessage } from '../../src/core/index.js';
import { verifyMeldWebhook } from '../../src/server/index.js';
import { createMeldSimulator, MeldTestingError, type MeldSimulator } from '../../src/testing/index.js';
import { cancelWidget, meldCall, repairSession, signIn, startReceiver, until, type WebhookReceiver } from './helpers.js';

let sim: MeldSimulator;
let receiver: WebhookReceiver;

const SEEDS = [
  { id: 'conn_login', externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'Harbor Credit Union' },
  { id: 'conn_other', externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED', statusReason: 'OTHER', institutionName: 'Summit <Bank> & "Co"' },
  { id: 'conn_expiring', externalCustomerId: 'user_1', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON' },
];

async function page(url: string) {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** The JSON the page's script reads, from the page itself. */
function pageConfig(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="sim-session">([^<]*)<\/script>/.exec(html);
  return JSON.parse(match![1]!) as Record<string, unknown>;
}

const eventTypes = () => receiver.received.map((w) => w.json.eventType.replace('BANK_LINKING_', ''));

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await createMeldSimulator({ webhookUrl: receiver.url, connections: SEEDS, tokenTtlMs: 60_000 });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(() => {
  sim.reset();
  receiver.received.length = 0;
});

describe('the widget page', () => {
  it("given a repair session, should go straight to the bank's login: accessible, no picker, no external assets", async () => {
    const { widgetUrl, token } = await repairSession(sim, 'conn_login');
    const { status, headers, html } = await page(widgetUrl);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Sign in to Harbor Credit Union</title>');
    expect(html).toContain('<h1 id="title">Sign in to Harbor Credit Union</h1>');
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<input id="username" name="username" autocomplete="username" required>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(/<input id="password"[^>]*type="password"/);
    expect(html).toContain('<button id="signin" type="submit">Sign in</button>');
    expect(html).toContain('data-cancel>Cancel</button>');
    expect(html).toContain('role="status"');
    expect(html).not.toContain('Choose your bank');
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//);
    // Inline style and script carry the CSP's nonce; nothing else may run.
    const nonce = /script-src 'nonce-([^']+)'/.exec(headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('x-frame-options')).toBeNull(); // hosts frame it
    expect(pageConfig(html)).toEqual({ token, mode: 'repair', institutionId: 'ins_harbor_credit_union', postInit: true });
    // The script posts Meld's messages to the opener or parent.
    expect(html).toContain('window.opener || (window.parent !== window ? window.parent : null)');
    expect(html).toContain("domain: 'meld-connect', eventName: 'init'");
    expect(html).toContain("'/widget/api/sign-in'");
  });

  it("should escape the bank's name", async () => {
    const { widgetUrl } = await repairSession(sim, 'conn_other');
    const { html } = await page(widgetUrl);
    expect(html).toContain('Sign in to Summit &#60;Bank&#62; &#38; &#34;Co&#34;');
    expect(html).not.toContain('<Bank>');
  });

  it('given a new connection without a bank, should show a picker first; with one, the login', async () => {
    const start = await meldCall(sim, 'POST', '/bank-linking/connect/start', { externalCustomerId: 'user_1' });
    const { html } = await page(start.json.widgetUrl as string);
    expect(html).toContain('<title>Connect your bank</title>');
    expect(html).toContain('<legend>Choose your bank</legend>');
    expect(html).toContain('data-institution="ins_harbor_credit_union"');
    expect(html).toMatch(/<form id="login" hidden/);
    const named = await meldCall(sim, 'POST', '/bank-linking/connect/start', { externalCustomerId: 'user_1', institutionId: 'ins_northwind_savings' });
    const direct = await page(named.json.widgetUrl as string);
    expect(direct.html).not.toContain('Choose your bank');
    expect(direct.html).toContain('<h1 id="title">Sign in to Northwind Savings</h1>');
  });

  it('given an unknown token, should answer 404 with a page that posts an error', async () => {
    const { status, html } = await page(`${sim.widgetOrigin}/?connectToken=ct_nope`);
    expect(status).toBe(404);
    expect(html).toContain('lang="en"');
    const config = pageConfig(html);
    expect(config.ended).toBe(true);
    expect(parseWidgetMessage(config.post)).toEqual({ eventName: 'error', metadata: expect.objectContaining({ reason: 'INVALID_CONNECT_TOKEN' }) });
  });

  it('given a token older than tokenTtlMs, should answer 410 (expired)', async () => {
    const quick = await createMeldSimulator({ tokenTtlMs: 30, connections: SEEDS });
    try {
      const { widgetUrl, token } = await repairSession(quick, 'conn_login');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { status, html } = await page(widgetUrl);
      expect(status).toBe(410);
      expect(parseWidgetMessage(pageConfig(html).post)?.metadata.reason).toBe('CONNECT_TOKEN_EXPIRED');
      expect((await signIn(quick, token)).status).toBe(410);
    } finally {
      await quick.close();
    }
  });

  it('should answer other paths with 404 and the favicon with 204', async () => {
    expect((await fetch(`${sim.widgetOrigin}/`)).status).toBe(404);
    expect((await fetch(`${sim.widgetOrigin}/favicon.ico`)).status).toBe(204);
    expect((await fetch(`${sim.widgetOrigin}/widget/api/sign-in`)).status).toBe(405);
  });
});

describe('scripted behaviours (what "Sign in" does)', () => {
  it("'ok' (the default): posts connect_complete, the connection becomes ACTIVE, STATUS_CHANGE, CONNECTION_COMPLETED, then ACCOUNTS_UPDATING / UPDATED", async () => {
    const { token } = await repairSession(sim, 'conn_login');
    const answer = await signIn(sim, token);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ view: 'connected', text: expect.stringContaining('Harbor Credit Union') });
    expect(parseWidgetMessage(answer.json.post)).toEqual({
      eventName: 'connect_complete',
      metadata: { institutionId: 'ins_harbor_credit_union', institutionName: 'Harbor Credit Union', accountCount: 2, accounts: expect.any(Array) },
    });
    expect(sim.getConnection('conn_login')).toMatchObject({ status: 'ACTIVE', statusReason: null });
    await receiver.waitFor(4);
    expect(eventTypes()).toEqual(['CONNECTION_STATUS_CHANGE', 'CONNECTION_COMPLETED', 'ACCOUNTS_UPDATING', 'ACCOUNTS_UPDATED']);
    expect(receiver.received[0]!.json.payload).toMatchObject({ connectionId: 'conn_login', oldStatus: 'RECONNECT_REQUIRED', oldStatusReason: 'LOGIN_REQUIRED', newStatus: 'ACTIVE', newStatusReason: null });
    // The guide's CONNECTION_COMPLETED: requestId and the provider, no status.
    expect(receiver.received[1]!.json.payload).toEqual({
      requestId: expect.any(String),
      customerId: expect.any(String),
      externalCustomerId: 'user_1',
      connectionId: 'conn_login',
      institutionId: 'ins_harbor_credit_union',
      institutionName: 'Harbor Credit Union',
      serviceProviderDetails: { serviceProvider: 'PLAID', serviceProviderConnectionId: expect.any(String) },
    });
    // A repair finds the accounts it had: none is new.
    const accounts = (receiver.received[2]!.json.payload as { financialAccounts: Array<{ newAccount: boolean }> }).financialAccounts;
    expect(accounts.map((a) => a.newAccount)).toEqual([false, false]);
    for (const webhook of receiver.received) {
      expect(await verifyMeldWebhook({ secret: sim.webhookSecret, url: receiver.url, rawBody: webhook.rawBody, headers: webhook.headers })).toBe(true);
    }
    // The session is spent.
    expect((await signIn(sim, token)).status).toBe(410);
    expect((await page(`${sim.widgetOrigin}/?connectToken=${token}`)).status).toBe(410);
  });

  it("'ok' on ACTIVE + ACCESS_EXPIRING_SOON: clears the reason", async () => {
    const { token } = await repairSession(sim, 'conn_expiring');
    await signIn(sim, token);
    await receiver.waitFor(2);
    expect(receiver.received[0]!.json.payload).toMatchObject({ oldStatus: 'ACTIVE', oldStatusReason: 'ACCESS_EXPIRING_SOON', newStatus: 'ACTIVE', newStatusReason: null });
  });

  it("'wrong-password': posts an error, changes nothing, sends nothing; the same widget then signs in", async () => {
    sim.scriptWidget('conn_login', 'wrong-password');
    const { token } = await repairSession(sim, 'conn_login');
    const answer = await signIn(sim, token);
    expect(answer.json.view).toBe('error');
    expect(parseWidgetMessage(answer.json.post)).toEqual({
      eventName: 'error',
      metadata: expect.objectContaining({ reason: 'INVALID_CREDENTIALS', details: 'The username or password is incorrect.' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sim.getConnection('conn_login')).toMatchObject({ status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
    expect(sim.webhooks()).toEqual([]);
    expect(parseWidgetMessage((await signIn(sim, token)).json.post)?.eventName).toBe('connect_complete');
  });

  it("'wrong-password' with a reason: uses it as the error's reason", async () => {
    sim.scriptWidget('conn_login', 'wrong-password', { reason: 'MFA_FAILED' });
    const { token } = await repairSession(sim, 'conn_login');
    expect(parseWidgetMessage((await signIn(sim, token)).json.post)?.metadata.reason).toBe('MFA_FAILED');
  });

  it("'provider-failure': completes, but the connection stays RECONNECT_REQUIRED with a new reason (seed 000)", async () => {
    sim.scriptWidget('conn_login', 'provider-failure');
    sim.scriptWidget('conn_other', 'provider-failure');
    sim.scriptWidget('conn_expiring', 'provider-failure', { reason: 'REPAIRING_INSTITUTION' });
    for (const id of ['conn_login', 'conn_other', 'conn_expiring']) {
      const { token } = await repairSession(sim, id);
      const answer = await signIn(sim, token);
      expect(parseWidgetMessage(answer.json.post)?.eventName).toBe('connect_complete');
    }
    await receiver.waitFor(3);
    expect(eventTypes()).toEqual(['CONNECTION_STATUS_CHANGE', 'CONNECTION_STATUS_CHANGE', 'CONNECTION_STATUS_CHANGE']);
    const byId = Object.fromEntries(receiver.received.map((w) => [w.json.payload.connectionId, w.json.payload]));
    expect(byId.conn_login).toMatchObject({ oldStatusReason: 'LOGIN_REQUIRED', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'OTHER' });
    expect(byId.conn_other).toMatchObject({ oldStatusReason: 'OTHER', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'TOKEN_EXPIRED' });
    expect(byId.conn_expiring).toMatchObject({ oldStatus: 'ACTIVE', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'REPAIRING_INSTITUTION' });
    expect(sim.getConnection('conn_login')).toMatchObject({ status: 'RECONNECT_REQUIRED', statusReason: 'OTHER' });
  });

  it("'slow-webhook': completes at once, Meld's API says ACTIVE at once, the webhooks leave after delayMs", async () => {
    sim.scriptWidget('conn_login', 'slow-webhook', { delayMs: 300 });
    const { token } = await repairSession(sim, 'conn_login');
    const started = performance.now();
    const answer = await signIn(sim, token);
    expect(parseWidgetMessage(answer.json.post)?.eventName).toBe('connect_complete');
    expect(sim.getConnection('conn_login')?.status).toBe('ACTIVE');
    expect(sim.webhooks()[0]!.state).toBe('pending');
    await receiver.waitFor(4);
    expect(receiver.received[0]!.at - started).toBeGreaterThanOrEqual(280);
    expect(eventTypes()).toEqual(['CONNECTION_STATUS_CHANGE', 'CONNECTION_COMPLETED', 'ACCOUNTS_UPDATING', 'ACCOUNTS_UPDATED']);
  });

  it("'slow-webhook' with holdStatus: the API keeps the old status until the webhook leaves", async () => {
    sim.scriptWidget('conn_login', 'slow-webhook', { delayMs: 200, holdStatus: true });
    const { token } = await repairSession(sim, 'conn_login');
    await signIn(sim, token);
    expect(sim.getConnection('conn_login')?.status).toBe('RECONNECT_REQUIRED');
    await receiver.waitFor(1);
    expect(sim.getConnection('conn_login')?.status).toBe('ACTIVE');
    await receiver.waitFor(4);
  });

  it("'slow-webhook' defaults to 3000 ms", async () => {
    sim.scriptWidget('conn_login', 'slow-webhook');
    const { token } = await repairSession(sim, 'conn_login');
    await signIn(sim, token);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.webhooks().map((w) => w.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
    sim.reset(); // cancels them
  });

  it("'never-answers': the page posts nothing (not even init); signing in waits forever and changes nothing", async () => {
    sim.scriptWidget('conn_login', 'never-answers');
    const { widgetUrl, token } = await repairSession(sim, 'conn_login');
    expect(pageConfig((await page(widgetUrl)).html).postInit).toBe(false);
    for (let i = 0; i < 2; i += 1) {
      const answer = await signIn(sim, token);
      expect(answer.status).toBe(202);
      expect(answer.json).toEqual({ post: null, view: 'waiting', text: expect.any(String) });
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sim.getConnection('conn_login')?.status).toBe('RECONNECT_REQUIRED');
    expect(sim.webhooks()).toEqual([]);
  });

  it('given times: 2, should apply the script to two sign-ins, then the default', async () => {
    sim.scriptWidget('conn_login', 'wrong-password', { times: 2 });
    const { token } = await repairSession(sim, 'conn_login');
    expect((await signIn(sim, token)).json.view).toBe('error');
    expect((await signIn(sim, token)).json.view).toBe('error');
    expect((await signIn(sim, token)).json.view).toBe('connected');
  });

  it('given reset(), should forget the scripts', async () => {
    sim.scriptWidget('conn_login', 'wrong-password', { times: Infinity });
    sim.reset();
    const { token } = await repairSession(sim, 'conn_login');
    expect((await signIn(sim, token)).json.view).toBe('connected');
  });

  it('given a bad behaviour, option or connection, should throw a MeldTestingError naming the fix', () => {
    expect(() => sim.scriptWidget('conn_login', 'crash' as never)).toThrow(/one of 'ok', 'wrong-password'/);
    expect(() => sim.scriptWidget('conn_nope', 'ok')).toThrow(expect.objectContaining({ kind: 'unknown-connection' }));
    expect(() => sim.scriptWidget('conn_login', 'slow-webhook', { delayMs: -1 })).toThrow(MeldTestingError);
    expect(() => sim.scriptWidget('conn_login', 'ok', { times: 0 })).toThrow(/times must be 1 or more/);
  });
});

describe('the page’s other buttons and checks', () => {
  it('Cancel: ends the session, posts nothing, changes nothing', async () => {
    const { token } = await repairSession(sim, 'conn_login');
    const answer = await cancelWidget(sim, token);
    expect(answer.json).toEqual({ post: null, view: 'cancelled', text: expect.stringContaining('Close this window') });
    expect((await signIn(sim, token)).status).toBe(410);
    expect(sim.getConnection('conn_login')?.status).toBe('RECONNECT_REQUIRED');
    expect(sim.webhooks()).toEqual([]);
  });

  it('given empty credentials, should answer 400 and keep the session', async () => {
    const { token } = await repairSession(sim, 'conn_login');
    const answer = await signIn(sim, token, { password: '  ' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ post: null, view: 'error' });
    expect((await signIn(sim, token)).json.view).toBe('connected');
  });

  it('given a POST from another origin, should refuse it (only the widget page presses its buttons)', async () => {
    const { token } = await repairSession(sim, 'conn_login');
    const response = await fetch(`${sim.widgetOrigin}/widget/api/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ token, username: 'a', password: 'b' }),
    });
    expect(response.status).toBe(403);
    const same = await fetch(`${sim.widgetOrigin}/widget/api/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: sim.widgetOrigin },
      body: JSON.stringify({ token, username: 'a', password: 'b' }),
    });
    expect(same.status).toBe(200);
  });

  it('given a deleted connection, should end its session', async () => {
    const { token } = await repairSession(sim, 'conn_login');
    await meldCall(sim, 'DELETE', '/bank-linking/connections/conn_login');
    expect((await signIn(sim, token)).status).toBe(410);
  });

  it('GET /widget/api/session should describe the session for tools', async () => {
    sim.scriptWidget('conn_login', 'never-answers');
    const { token } = await repairSession(sim, 'conn_login');
    const response = await fetch(`${sim.widgetOrigin}/widget/api/session?connectToken=${token}`);
    expect(await response.json()).toEqual({
      found: true,
      mode: 'repair',
      state: 'open',
      connectionId: 'conn_login',
      institutionId: 'ins_harbor_credit_union',
      institutionName: 'Harbor Credit Union',
      postInit: false,
      behaviour: 'never-answers',
    });
    expect((await fetch(`${sim.widgetOrigin}/widget/api/session?connectToken=nope`)).status).toBe(404);
  });
});

describe('a new connection (connect/start)', () => {
  it('should become ACTIVE at the bank the customer picked, with STATUS_CHANGE and CONNECTION_COMPLETED', async () => {
    const start = await meldCall(sim, 'POST', '/bank-linking/connect/start', { externalCustomerId: 'user_7', products: ['BALANCES'] });
    const id = start.json.id as string;
    const token = start.json.connectToken as string;
    expect((await signIn(sim, token)).status).toBe(400); // no bank picked yet
    const answer = await signIn(sim, token, { institutionId: 'ins_harbor_credit_union' });
    expect(parseWidgetMessage(answer.json.post)?.metadata).toMatchObject({ institutionId: 'ins_harbor_credit_union', institutionName: 'Harbor Credit Union' });
    expect(sim.getConnection(id)).toMatchObject({ status: 'ACTIVE', statusReason: null, institutionName: 'Harbor Credit Union', successfullyAggregatedAt: expect.any(String) });
    await receiver.waitFor(4);
    expect(eventTypes()).toEqual(['CONNECTION_STATUS_CHANGE', 'CONNECTION_COMPLETED', 'ACCOUNTS_UPDATING', 'ACCOUNTS_UPDATED']);
    expect(receiver.received[0]!.json.payload).toMatchObject({ connectionId: id, externalCustomerId: 'user_7', oldStatus: 'IN_PROGRESS', newStatus: 'ACTIVE' });
    // A new connection's accounts are all new.
    const accounts = (receiver.received[2]!.json.payload as { financialAccounts: Array<{ newAccount: boolean }> }).financialAccounts;
    expect(accounts.map((a) => a.newAccount)).toEqual([true, true]);
    await until(() => sim.webhooks().every((w) => w.state === 'delivered'));
  });

  it('given a script for the new connection, should apply it', async () => {
    const start = await meldCall(sim, 'POST', '/bank-linking/connect/start', { externalCustomerId: 'user_7', institutionId: 'ins_northwind_savings' });
    sim.scriptWidget(start.json.id as string, 'wrong-password');
    expect((await signIn(sim, start.json.connectToken as string)).json.view).toBe('error');
  });
});
