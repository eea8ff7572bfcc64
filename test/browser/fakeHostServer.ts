// A loopback host backend for the Chromium tests: the host endpoint contract,
// a Server-Sent Events stream, request counts, and a control API the tests
// drive (emit an event, fail the next streams, drop open streams, hold a
// route's answers until released).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestProject } from 'vitest/node';

interface Connection {
  id: string;
  status: string;
  statusReason: string | null;
  [key: string]: unknown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    fakeHostUrl: string;
    /** A loopback origin of its own (another port): the pages an attacker controls. */
    attackerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let connections = new Map<string, Connection>();
  // Per connection: what the repair route answers, and how the widget page behaves.
  let repairStatus = new Map<string, number>();
  let widgetQuery = new Map<string, string>();
  let counts = new Map<string, number>();
  let failStreams = 0;
  let eventSeq = 0;
  const streams = new Set<ServerResponse>();
  const lastEventIds: string[] = [];
  // Routes ("POST /connections/c1/repair") whose answers wait for /__control/release.
  let held = new Set<string>();
  let waiting: Array<{ route: string; resume: () => void }> = [];
  const releaseHeld = (route?: string) => {
    held = route === undefined ? new Set() : new Set([...held].filter((r) => r !== route));
    const released = waiting.filter((w) => route === undefined || w.route === route);
    waiting = waiting.filter((w) => !released.includes(w));
    for (const { resume } of released) resume();
  };

  // Repair links the host redeems (token -> connection id), each once.
  let repairLinks = new Map<string, string>();
  let usedLinks = new Set<string>();
  let log: string[] = [];
  // What the attacker's pages saw and did (POST /__control/report from any origin).
  let reports: unknown[] = [];
  const hit = (route: string) => {
    counts.set(route, (counts.get(route) ?? 0) + 1);
    log.push(route);
  };
  const json = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text ? JSON.parse(text) : undefined;
  };

  let port = 0;
  const server = createServer(async (req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type, accept, x-csrf');
    res.setHeader('access-control-allow-methods', 'GET, POST, DELETE');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;

    if (path === '/__control/reset') {
      const body = (await readBody(req)) as Array<Connection & { repairStatus?: number; widget?: string }> | undefined;
      repairStatus = new Map();
      widgetQuery = new Map();
      connections = new Map(
        (body ?? []).map(({ repairStatus: status, widget, ...c }) => {
          if (status) repairStatus.set(c.id, status);
          if (widget) widgetQuery.set(c.id, widget);
          return [c.id, c as Connection];
        }),
      );
      counts = new Map();
      repairLinks = new Map();
      usedLinks = new Set();
      log = [];
      reports = [];
      failStreams = 0;
      lastEventIds.length = 0;
      releaseHeld();
      for (const stream of streams) stream.end();
      streams.clear();
      return json(res, 204);
    }
    if (path === '/__control/emit') {
      log.push('emit');
      const payload = (await readBody(req)) as { connectionId: string; newStatus: string; newStatusReason?: string | null };
      const existing = connections.get(payload.connectionId);
      if (existing) connections.set(existing.id, { ...existing, status: payload.newStatus, statusReason: payload.newStatusReason ?? null });
      eventSeq += 1;
      for (const stream of streams) stream.write(`id: ${eventSeq}\ndata: ${JSON.stringify(payload)}\n\n`);
      return json(res, 200, { delivered: streams.size, id: eventSeq });
    }
    if (path === '/__control/fail-streams') {
      failStreams = Number(url.searchParams.get('n') ?? 1);
      return json(res, 204);
    }
    if (path === '/__control/drop-streams') {
      for (const stream of streams) stream.destroy();
      streams.clear();
      return json(res, 204);
    }
    if (path === '/__control/repair-links') {
      const links = (await readBody(req)) as Record<string, string>;
      for (const [token, connectionId] of Object.entries(links)) repairLinks.set(token, connectionId);
      return json(res, 204);
    }
    if (path === '/__control/hold') {
      held.add(url.searchParams.get('route') ?? '');
      return json(res, 204);
    }
    if (path === '/__control/release') {
      releaseHeld(url.searchParams.get('route') ?? undefined);
      return json(res, 204);
    }
    if (path === '/__control/report' && req.method === 'POST') {
      reports.push(await readBody(req));
      return json(res, 204);
    }
    if (path === '/__control/reports') {
      return json(res, 200, reports);
    }
    if (path === '/__control/state') {
      return json(res, 200, { counts: Object.fromEntries(counts), openStreams: streams.size, lastEventIds, log });
    }

    if (req.method === 'GET' && path === '/widget-oauth') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(OAUTH_PAGE);
    }
    if (req.method === 'GET' && path === '/widget') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(WIDGET_PAGE);
    }
    if (req.method === 'GET' && path === '/api/events') {
      hit('GET /events');
      lastEventIds.push(String(req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? ''));
      if (failStreams > 0) {
        failStreams -= 1;
        return json(res, 503, { code: 'UNAVAILABLE' });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('retry: 100\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'POST' && path === '/api/repair-links/redeem') {
      const route = 'POST /repair-links/redeem';
      hit(route);
      if (req.headers['content-type'] !== 'application/json') return json(res, 415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send JSON.' });
      const body = (await readBody(req)) as { token?: unknown } | undefined;
      if (held.has(route)) await new Promise<void>((resume) => waiting.push({ route, resume }));
      const token = typeof body?.token === 'string' ? body.token : '';
      const connection = connections.get(repairLinks.get(token) ?? '');
      if (!connection || usedLinks.has(token)) return json(res, 404, { code: 'REPAIR_LINK_INVALID', message: 'This link cannot be used.' });
      usedLinks.add(token);
      return json(res, 200, { connectionId: connection.id, connection });
    }
    const match = /^\/api\/connections(?:\/([^/]+))?(?:\/(repair|refresh|update))?$/.exec(path);
    if (!match) return json(res, 404, { code: 'NO_ROUTE' });
    const [, id, action] = match;
    const route = `${req.method} /connections${id ? `/${id}` : ''}${action ? `/${action}` : ''}`;
    hit(route);
    if (held.has(route)) await new Promise<void>((resume) => waiting.push({ route, resume }));
    if (!id) return json(res, 200, { connections: [...connections.values()] });
    const connection = connections.get(decodeURIComponent(id));
    if (!connection) return json(res, 404, { code: 'CONNECTION_NOT_FOUND', message: 'Unknown connection' });
    if (req.method === 'GET' && !action) return json(res, 200, connection);
    if (req.method === 'DELETE' && !action) {
      connections.set(connection.id, { ...connection, status: 'DELETED', statusReason: null });
      return json(res, 204);
    }
    if (action === 'refresh') return json(res, 202, { requestId: `req_${Date.now()}` });
    if (action === 'repair') {
      const status = repairStatus.get(connection.id);
      if (status) return json(res, status, { code: status === 409 ? 'CONNECTION_NOT_REPAIRABLE' : 'ERROR', message: 'Refused' });
      const query = new URLSearchParams(widgetQuery.get(connection.id) ?? '');
      query.set('connectionId', connection.id);
      const widgetUrl = query.get('widgetUrl') ?? `http://127.0.0.1:${port}/widget?${query}`;
      return json(res, 201, { connectionId: connection.id, connectToken: `tok_${counts.get(`POST /connections/${id}/repair`)}`, widgetUrl });
    }
    return json(res, 404, { code: 'NO_ROUTE' });
  });

  // The attacker's origin: same loopback address, its own port.
  const attacker = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const page = path === '/attacker' ? ATTACKER_PAGE : path === '/phished' ? PHISHED_PAGE : undefined;
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html' });
    res.end(page ?? 'not found');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const attackerAddress = attacker.address();
  project.provide('fakeHostUrl', `http://127.0.0.1:${port}`);
  project.provide('attackerUrl', `http://127.0.0.1:${typeof attackerAddress === 'object' && attackerAddress ? attackerAddress.port : 0}`);

  return async () => {
    releaseHeld();
    for (const stream of streams) stream.destroy();
    // Browsers keep connections alive (and a test's popup may still hold one): drop them all.
    server.closeAllConnections();
    attacker.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => attacker.close(resolve));
  };
}

// A stand-in for Meld's widget, served from the fake host's origin: it posts
// what Meld's widget posts, to its parent (iframe) or opener (popup). Query:
// connectionId, auto=complete|error (after delay=ms, default 50), outcome=active|still-broken, shape=string, nested=1, institution=name, oauth=1,
// goto=URL (after init, the widget sends its window there, as a widget sends it to a bank's page).
const WIDGET_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fake Meld widget</title></head>
<body>
<h1>Sign in to First Test Bank</h1>
<button id="signin" type="button">Sign in</button>
<button id="fail" type="button">Wrong password</button>
<script>
  const q = new URLSearchParams(location.search);
  const connectionId = q.get('connectionId');
  const target = window.opener || window.parent;
  const post = (message) => target.postMessage(q.get('shape') === 'string' ? JSON.stringify(message) : message, '*');
  post({ source: 'provider', type: 'provider/loaded' });
  post({ domain: 'meld-connect', eventName: 'init' });
  async function complete() {
    const next = q.get('outcome') === 'still-broken'
      ? { connectionId, newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'OTHER' }
      : { connectionId, newStatus: 'ACTIVE', newStatusReason: null };
    await fetch('/__control/emit', { method: 'POST', body: JSON.stringify(next) });
    const metadata = { institutionId: 'inst_1', institutionName: q.get('institution') ?? 'First Test Bank', accountCount: 2, accounts: [], ...oauth };
    post(q.get('nested') ? { domain: 'meld-connect', eventName: 'connect_complete', metadata } : { domain: 'meld-connect', eventName: 'connect_complete', ...metadata });
  }
  function fail() {
    post({ domain: 'meld-connect', eventName: 'error', metadata: { reason: 'INVALID_CREDENTIALS', details: 'Wrong password' } });
  }
  document.getElementById('signin').onclick = complete;
  document.getElementById('fail').onclick = fail;
  if (q.get('goto')) setTimeout(() => { location.href = q.get('goto'); }, 50);
  // oauth=1: the bank's login opens in a popup of the widget's, which answers through its opener.
  let oauth = {};
  if (q.get('oauth')) {
    addEventListener('message', (event) => {
      if (event.origin !== location.origin || !event.data || event.data.oauth !== 'done') return;
      oauth = { oauthOpenerTopOpener: event.data.openerTopOpener };
      complete();
    });
    setTimeout(() => window.open('/widget-oauth', 'bank-oauth', 'popup=yes,width=300,height=300'), 50);
  }
  const delay = Number(q.get('delay') ?? 50);
  if (q.get('auto') === 'complete') setTimeout(complete, delay);
  if (q.get('auto') === 'error') setTimeout(fail, delay);
</script>
</body></html>`;

// A page on the attacker's origin that the widget's window reaches (a bank's
// page gone bad, a redirect). It tries every way back to the host tab: navigate
// it (opener, its parent's or top's opener, a window found by name), forge
// connect_complete to whatever it can reach, then reports what happened and
// goes back to `back` (the genuine widget). Query: back, phish (with its ?report=), report.
const ATTACKER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Attacker</title></head>
<body>
<h1>Totally your bank</h1>
<script>
  const q = new URLSearchParams(location.search);
  const phish = (via) => q.get('phish') + '&via=' + via; // phish already carries ?report=
  const forged = { domain: 'meld-connect', eventName: 'connect_complete', institutionId: 'forged', institutionName: 'Forged Bank', accountCount: 99, accounts: [] };
  const results = { opener: window.opener === null ? 'null' : 'a window', topOpener: (() => { try { return top.opener === null ? 'null' : 'a window'; } catch (e) { return 'threw'; } })() };
  const attempt = (name, act) => {
    try {
      const out = act();
      results[name] = out === undefined ? 'done' : String(out);
    } catch (error) {
      results[name] = 'threw ' + error.name;
    }
  };
  attempt('opener.location', () => { window.opener.location.href = phish('opener'); });
  attempt('parent.opener.location', () => { parent.opener.location.href = phish('parent.opener'); });
  attempt('top.opener.location', () => { top.opener.location.href = phish('top.opener'); });
  attempt('opener.postMessage', () => window.opener.postMessage(forged, '*'));
  attempt('top.opener.postMessage', () => top.opener.postMessage(forged, '*'));
  attempt('parent.postMessage', () => parent.postMessage(forged, '*'));
  attempt('top.postMessage', () => top.postMessage(JSON.stringify(forged), '*'));
  // Windows found by name: the kit's old popup was named 'meld-connect' (go
  // through its opener), the host tab is 'kit-host' in the test. A name that
  // finds nothing opens a fresh blank window, which is closed again.
  const byName = (name) => {
    const found = window.open('', name);
    if (!found) return 'null';
    if (found === window || found === top) {
      found.opener.location.href = phish('named:' + name);
      return 'itself';
    }
    let fresh = false;
    try {
      fresh = found.location.href === 'about:blank';
    } catch (error) {
      fresh = false; // another origin's window: an existing one
    }
    if (fresh) {
      found.close();
      return 'a new window';
    }
    found.location.href = phish('named:' + name);
    return 'an existing window';
  };
  attempt('named meld-connect', () => byName('meld-connect'));
  attempt('named kit-host', () => byName('kit-host'));
  fetch(q.get('report'), { method: 'POST', body: JSON.stringify({ page: 'attacker', results }) })
    .finally(() => setTimeout(() => { location.href = q.get('back'); }, 200));
</script>
</body></html>`;

// Where the attacker sends the host tab. Reports that it loaded (and how).
const PHISHED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Phished</title></head>
<body><h1>Sign in again</h1>
<script>
  const report = new URLSearchParams(location.search).get('report');
  if (report) fetch(report, { method: 'POST', body: JSON.stringify({ page: 'phished', via: new URLSearchParams(location.search).get('via') }) });
</script>
</body></html>`;

// The bank's OAuth page, opened by the widget in a popup: it answers the widget
// through its opener (as banks do), saying whether anything lies beyond it.
const OAUTH_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bank sign-in</title></head>
<body><h1>Bank sign-in</h1>
<script>
  let openerTopOpener;
  try {
    openerTopOpener = window.opener.top.opener === null ? 'null' : 'a window';
  } catch (error) {
    openerTopOpener = 'threw ' + error.name;
  }
  window.opener.postMessage({ oauth: 'done', openerTopOpener }, location.origin);
  setTimeout(() => window.close(), 50);
</script>
</body></html>`;
