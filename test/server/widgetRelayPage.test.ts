// The widget relay page (src/server/widgetRelayPage.ts): its headers, its
// route, and its script, run in jsdom exactly as served (the inline script
// whose hash is in the CSP) over Node's BroadcastChannel. The test plays the
// kit (with the launch's secret), forgers without it, and Meld's widget frame.
import { createHash } from 'node:crypto';
import { JSDOM } from 'jsdom';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RELAY_CHANNEL_PREFIX, RELAY_PROTOCOL } from '../../src/core/preparePopup.js';
import { WIDGET_IFRAME_ALLOW, WIDGET_IFRAME_SANDBOX } from '../../src/core/widgetFrame.js';
import { createMeldClient, createReconnectHandler, widgetRelayPage, widgetRelayResponse } from '../../src/server/index.js';
import { FAKE_KEY, startFakeMeld, type FakeMeld } from './helpers/fakeMeld.js';

const SECRET = '0123456789abcdef'.repeat(4);
const WIDGET_ORIGIN = 'https://institution-connect-sb.meld.io';
const WIDGET_URL = `${WIDGET_ORIGIN}/?connectToken=tok_1`;
const RELAY = 'https://host.example/api/meld/widget-relay';

const channels: BroadcastChannel[] = [];
const pages: Array<{ window: Window & typeof globalThis }> = [];

afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
  // pagehide ends a relay: it closes its channel and stops speaking.
  for (const page of pages.splice(0)) page.window.dispatchEvent(new page.window.Event('pagehide'));
});

function channel(secret = SECRET): BroadcastChannel {
  const created = new BroadcastChannel(RELAY_CHANNEL_PREFIX + secret);
  channels.push(created);
  return created;
}

/** Time for a message that should not arrive to have arrived. */
const delivered = () => new Promise((resolve) => setTimeout(resolve, 80));

function kitMessage(type: string, extra: Record<string, unknown> = {}) {
  return { v: RELAY_PROTOCOL, from: 'kit', nonce: SECRET, type, ...extra };
}

/** Loads the served page in jsdom at `fragment`, with a kit listening on the launch's channel. */
async function loadRelay(fragment = `#${SECRET}`) {
  const kit = channel();
  const heard: Array<Record<string, unknown>> = [];
  kit.onmessage = (event) => heard.push(event.data as Record<string, unknown>);
  const closes = vi.fn();
  const dom = new JSDOM(widgetRelayPage().html, {
    url: `${RELAY}${fragment}`,
    runScripts: 'dangerously',
    pretendToBeVisual: true,
    beforeParse(window) {
      Object.assign(window, { BroadcastChannel, close: closes });
    },
  });
  pages.push(dom);
  const { window } = dom;
  if (fragment === `#${SECRET}`) await vi.waitFor(() => expect(heard).not.toHaveLength(0));
  else await delivered();
  const frame = () => window.document.querySelector('iframe');
  /** A message event as the widget's frame (or anyone else) would post it to the relay. */
  const post = (data: unknown, origin: string, source: Window | null | undefined) =>
    window.dispatchEvent(new window.MessageEvent('message', { data, origin, source: source ?? null }));
  return { window, kit, heard, closes, frame, post };
}

describe('widgetRelayPage: the answer', () => {
  it('should allow only its own script and style (by hash), frame only https: and the given sources, and isolate the popup from its opener', () => {
    const page = widgetRelayPage({ frameSources: ['http://127.0.0.1:4100'] });
    const csp = page.headers['content-security-policy']!;
    const script = /<script>([\s\S]*)<\/script>/.exec(page.html)?.[1] ?? '';
    const style = /<style>([\s\S]*)<\/style>/.exec(page.html)?.[1] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      `script-src ${hash(script)}`,
      `style-src ${hash(style)}`,
      'frame-src https: http://127.0.0.1:4100',
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(page.headers).toMatchObject({
      'cross-origin-opener-policy': 'same-origin-allow-popups',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-type': 'text/html; charset=utf-8',
    });
    expect(page.html.match(/<script/g)).toHaveLength(1);
  });

  it.each([['https://ok.example; script-src *'], ["'unsafe-inline'"], ['*'], ['http://a.example http://b.example'], [''], [42]])(
    'given the frame source %j, should refuse it at once',
    (source) => {
      expect(() => widgetRelayPage({ frameSources: [source as string] })).toThrow(/frameSources/);
    },
  );

  it('should answer as a fetch-standard Response with the same page', async () => {
    const response = widgetRelayResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups');
    expect(await response.text()).toBe(widgetRelayPage().html);
  });
});

describe('createReconnectHandler: GET {base}/widget-relay', () => {
  let meld: FakeMeld;
  beforeAll(async () => {
    meld = await startFakeMeld();
  });
  afterAll(async () => {
    await meld.close();
  });

  function handler(extra: Record<string, unknown> = {}) {
    const authorize = vi.fn(() => null);
    const handle = createReconnectHandler({ meld: createMeldClient({ apiKey: FAKE_KEY, baseUrl: meld.url }), authorize, basePath: '/api/meld', ...extra });
    return { handle, authorize };
  }

  it('should serve the page to anyone (a navigation carries no auth header; the page holds nothing), without asking authorize', async () => {
    const { handle, authorize } = handler();
    const response = await handle(new Request('https://host.example/api/meld/widget-relay'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(widgetRelayPage().html);
    expect(authorize).not.toHaveBeenCalled();
    handle.close();
  });

  it('given another method, should answer 405', async () => {
    const { handle } = handler();
    expect((await handle(new Request('https://host.example/api/meld/widget-relay', { method: 'POST' }))).status).toBe(405);
    handle.close();
  });

  it('given widgetRelay: false, should not serve it', async () => {
    const { handle } = handler({ widgetRelay: false });
    expect((await handle(new Request('https://host.example/api/meld/widget-relay'))).status).toBe(401);
    handle.close();
  });

  it('given bad frameSources, should refuse to start', () => {
    expect(() => handler({ widgetRelay: { frameSources: ['x; script-src *'] } })).toThrow(/frameSources/);
  });
});

describe('the relay page in jsdom', () => {
  it('should take the secret out of its address at once and say it is alive, with the secret, to the kit only', async () => {
    const { window, heard } = await loadRelay();
    expect(window.location.href).toBe(RELAY);
    expect(window.location.hash).toBe('');
    expect(heard[0]).toEqual({ v: RELAY_PROTOCOL, from: 'relay', nonce: SECRET, type: 'alive', hidden: false, opened: false });
  });

  it.each([['no fragment', ''], ['a short secret', '#abc123'], ['upper-case hex', `#${SECRET.toUpperCase()}`], ['more than the secret', `#${SECRET}&x=1`]])(
    'given %s, should open no channel and show nothing',
    async (_name, fragment) => {
      const { heard, frame, window } = await loadRelay(fragment);
      expect(heard).toEqual([]);
      expect(frame()).toBeNull();
      expect(window.location.hash).toBe('');
    },
  );

  it("should show the widget the kit sends, with the dialog's sandbox and allow-list, its title and language; a second open changes nothing", async () => {
    const { window, kit, frame, heard } = await loadRelay();
    kit.postMessage(kitMessage('open', { widgetUrl: WIDGET_URL, origins: [WIDGET_ORIGIN], title: 'Volver a conectar Banco Uno', lang: 'es' }));
    await vi.waitFor(() => expect(frame()).not.toBeNull());
    const shown = frame();
    expect(shown?.getAttribute('src')).toBe(WIDGET_URL);
    expect(shown?.getAttribute('sandbox')).toBe(WIDGET_IFRAME_SANDBOX);
    expect(shown?.getAttribute('allow')).toBe(WIDGET_IFRAME_ALLOW);
    expect(shown?.title).toBe('Volver a conectar Banco Uno');
    expect(window.document.title).toBe('Volver a conectar Banco Uno');
    expect(window.document.documentElement.lang).toBe('es');
    await vi.waitFor(() => expect(heard.at(-1)).toMatchObject({ type: 'alive', opened: true }));

    kit.postMessage(kitMessage('open', { widgetUrl: 'https://evil.example/', origins: ['https://evil.example'], title: 'x' }));
    await delivered();
    expect(window.document.querySelectorAll('iframe')).toHaveLength(1);
    expect(frame()?.getAttribute('src')).toBe(WIDGET_URL);
  });

  it.each([
    ['no nonce', { v: RELAY_PROTOCOL, from: 'kit', type: 'open' }],
    ['another nonce', kitMessage('open', { nonce: 'f'.repeat(64) })],
    ["the relay's own side", kitMessage('open', { from: 'relay' })],
    ['another protocol', kitMessage('open', { v: 'mrk-relay/0' })],
    ['a JSON string', JSON.stringify(kitMessage('open'))],
  ])('given an open with %s, should ignore it', async (_name, forged) => {
    const { kit, frame } = await loadRelay();
    kit.postMessage(typeof forged === 'string' ? forged : { widgetUrl: WIDGET_URL, origins: [WIDGET_ORIGIN], title: 'Forged', ...forged });
    await delivered();
    expect(frame()).toBeNull();
  });

  it.each([['javascript:alert(1)'], ['data:text/html,<script>alert(1)</script>'], ['not a url']])('given the widget URL %s, should show nothing', async (widgetUrl) => {
    const { kit, frame } = await loadRelay();
    kit.postMessage(kitMessage('open', { widgetUrl, origins: [], title: 't' }));
    await delivered();
    expect(frame()).toBeNull();
  });

  it("should forward only the widget frame's messages from the widget's origin (or one the host allowed), as data", async () => {
    const { window, kit, frame, heard, post } = await loadRelay();
    kit.postMessage(kitMessage('open', { widgetUrl: WIDGET_URL, origins: [WIDGET_ORIGIN, 'https://also.example'], title: 't' }));
    await vi.waitFor(() => expect(frame()).not.toBeNull());
    const widget = frame()?.contentWindow;
    expect(widget).toBeTruthy();
    const forged = { domain: 'meld-connect', eventName: 'connect_complete', institutionName: 'Forged' };
    post(forged, 'https://evil.example', widget); // the frame, gone to another origin
    post(forged, WIDGET_ORIGIN, window); // the right origin, another window
    post(forged, WIDGET_ORIGIN, null);
    post('x'.repeat(100_001), WIDGET_ORIGIN, widget); // too long to be Meld's
    post({ domain: 'meld-connect', eventName: 'init' }, WIDGET_ORIGIN, widget);
    post('{"domain":"meld-connect","eventName":"debug"}', 'https://also.example', widget);
    await vi.waitFor(() => expect(heard.filter((m) => m.type === 'message')).toHaveLength(2));
    await delivered();
    const forwarded = heard.filter((m) => m.type === 'message');
    expect(forwarded).toEqual([
      { v: RELAY_PROTOCOL, from: 'relay', nonce: SECRET, type: 'message', data: { domain: 'meld-connect', eventName: 'init' } },
      { v: RELAY_PROTOCOL, from: 'relay', nonce: SECRET, type: 'message', data: '{"domain":"meld-connect","eventName":"debug"}' },
    ]);
  });

  it('given no widget yet, should forward nothing', async () => {
    const { window, heard, post } = await loadRelay();
    post({ domain: 'meld-connect', eventName: 'connect_complete' }, WIDGET_ORIGIN, window);
    await delivered();
    expect(heard.filter((m) => m.type === 'message')).toEqual([]);
  });

  it("given the kit's close, should say closed and close the window; given a forged close, should do neither", async () => {
    const { kit, heard, closes } = await loadRelay();
    const forger = channel();
    forger.postMessage(kitMessage('close', { nonce: 'f'.repeat(64) }));
    forger.postMessage({ v: RELAY_PROTOCOL, from: 'kit', type: 'close' });
    await delivered();
    expect(closes).not.toHaveBeenCalled();
    expect(heard.some((m) => m.type === 'closed')).toBe(false);

    kit.postMessage(kitMessage('close'));
    await vi.waitFor(() => expect(closes).toHaveBeenCalledTimes(1));
    expect(heard.at(-1)).toEqual({ v: RELAY_PROTOCOL, from: 'relay', nonce: SECRET, type: 'closed' });
  });

  it('given the window goes (pagehide), should say closed, then nothing more', async () => {
    const { window, heard } = await loadRelay();
    window.dispatchEvent(new window.Event('pagehide'));
    await vi.waitFor(() => expect(heard.at(-1)).toMatchObject({ type: 'closed' }));
    const count = heard.length;
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a heartbeat's time
    expect(heard).toHaveLength(count);
  });

  it('should say it is alive every second, and at once when it is hidden or shown', async () => {
    const { window, heard } = await loadRelay();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(heard.filter((m) => m.type === 'alive').length).toBeGreaterThanOrEqual(2);
    Object.defineProperty(window.document, 'visibilityState', { value: 'hidden', configurable: true });
    window.document.dispatchEvent(new window.Event('visibilitychange'));
    await vi.waitFor(() => expect(heard.at(-1)).toMatchObject({ type: 'alive', hidden: true }));
  });
});
