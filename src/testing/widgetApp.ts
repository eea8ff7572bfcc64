// The widget origin's routes: the page, and the two endpoints its script
// calls (sign in, cancel). Tests in Node drive the same endpoints.
import type { SimulatorCore, WidgetAnswer } from './SimulatorCore.js';
import { widgetPageResponse } from './widgetPage.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

function answer(result: WidgetAnswer): Response {
  const { httpStatus, ...body } = result;
  return json(httpStatus, body);
}

/** Makes the widget origin as a fetch-standard handler. */
export function createWidgetApp(core: SimulatorCore, widgetOrigin: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    // Meld's widget URLs are `https://institution-connect-sb.meld.io/?connectToken=…`; `/widget` stays for old links.
    if (url.pathname === '/' || url.pathname === '/widget' || url.pathname === '/widget/') {
      if (method !== 'GET' && method !== 'HEAD') return json(405, { code: 'METHOD_NOT_ALLOWED', message: 'Use GET.' });
      const lookup = core.lookupSession(url.searchParams.get('connectToken'));
      if (lookup.found) core.log(`widget ${lookup.connection.id}: page opened (${lookup.session.mode})`);
      return widgetPageResponse(lookup, (reason) => core.endedAnswer(reason));
    }
    if (url.pathname === '/widget/api/session' && method === 'GET') {
      const lookup = core.lookupSession(url.searchParams.get('connectToken'));
      if (!lookup.found) return json(lookup.reason === 'unknown' ? 404 : 410, { found: false, reason: lookup.reason });
      const { session, connection, postInit } = lookup;
      return json(200, {
        found: true,
        mode: session.mode,
        state: session.state,
        connectionId: connection.id,
        institutionId: connection.institutionId ?? null,
        institutionName: connection.institutionName ?? null,
        postInit,
        behaviour: core.peekWidgetScript(connection.id),
      });
    }
    if (url.pathname === '/widget/api/sign-in' || url.pathname === '/widget/api/cancel') {
      if (method !== 'POST') return json(405, { code: 'METHOD_NOT_ALLOWED', message: 'Use POST.' });
      // Only the widget's own page (or a test without an Origin) may press its buttons.
      const origin = request.headers.get('origin');
      if (origin !== null && origin !== widgetOrigin) return json(403, { code: 'FORBIDDEN', message: 'Only the widget page may call this.' });
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(await request.text());
        body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
      } catch {
        return json(400, { code: 'INVALID_REQUEST', message: 'Send JSON: { token, username, password }.' });
      }
      const token = typeof body.token === 'string' ? body.token : '';
      if (url.pathname === '/widget/api/cancel') return answer(core.cancel(token));
      return answer(core.signIn(token, { username: body.username, password: body.password, institutionId: body.institutionId }));
    }
    if (url.pathname === '/favicon.ico') return new Response(null, { status: 204 });
    return json(404, { code: 'NOT_FOUND', message: 'The widget lives at /?connectToken=…' });
  };
}
