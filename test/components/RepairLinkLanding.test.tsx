// Issue 15, part 2 (browser): a customer lands from a repair link. Driven as a host's own
// Testing Library suite would: the package's React exports, the host backend answered at the
// HTTP layer by the kit's own MSW handlers (hostApiHandlers, with repair links), the address
// bar set as the e-mail's link would set it.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { StrictMode, type ReactElement, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ReconnectKitProvider,
  RepairLinkLanding,
  es,
  type Connection,
  type Messages,
  type RedeemedRepairLink,
} from '../../src/index.js';
import { hostApiHandlers, type HostApiHandlers, type HostApiHandlersOptions } from '../../src/testing/msw/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, server } from '../helpers/hostServer.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

const WIDGET_ORIGIN = 'https://institution-connect-sb.meld.io';
const REDEEM = 'POST /repair-links/redeem';

let seq = 0;
/** A fresh token per use: a link is redeemed once per document, as in a real tab. */
function token(label = 'tok'): string {
  seq += 1;
  return `${label}_${seq}_${Math.random().toString(36).slice(2, 10)}`;
}

const broken = (id: string, extra: Partial<Connection> = {}) =>
  aConnection({ id, status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'Harbor Credit Union', ...extra });

/** The host backend: the kit's MSW handlers for the contract, with the given links. */
function backend(options: HostApiHandlersOptions): HostApiHandlers {
  const host = hostApiHandlers({ baseUrl: BASE, events: false, ...options });
  server.use(...host.handlers);
  return host;
}

/** The address the e-mail's link opens: the host's page, its own parameters, the token, a hash. */
function land(tokenValue: string | undefined, { path = '/accounts', query = 'tab=cards', hash = '#top', state = { app: 'kept' } } = {}) {
  const search = [query, tokenValue === undefined ? '' : `meld_repair=${tokenValue}`].filter(Boolean).join('&');
  window.history.replaceState(state, '', `${path}${search ? `?${search}` : ''}${hash}`);
}

interface KitOptions {
  messages?: Partial<Messages>;
  locale?: string;
  strict?: boolean;
}

function renderKit(ui: ReactElement, options: KitOptions = {}) {
  const queryClient = newQueryClient();
  function Host({ children }: { children: ReactNode }) {
    const kit = (
      <ReconnectKitProvider
        baseUrl={BASE}
        queryClient={queryClient}
        broadcastChannel={false}
        dismissStorage={null}
        onStartNewConnection={() => {}}
        verification={{ delaysMs: [0, 50, 100], timeoutMs: 2_000 }}
        messages={options.messages}
        locale={options.locale}
      >
        {children}
      </ReconnectKitProvider>
    );
    return options.strict ? <StrictMode>{kit}</StrictMode> : kit;
  }
  return { queryClient, ...render(ui, { wrapper: Host }) };
}

/** Lets the prompt's view (loaded on demand) arrive. */
async function settle() {
  await act(async () => {
    await import('../../src/promptParts/PromptView.js');
  });
}

function landing(): HTMLElement {
  const found = document.querySelector<HTMLElement>('[data-slot="repair-landing"]');
  if (!found) throw new Error('no landing on screen');
  return found;
}

async function landingIn(state: string): Promise<HTMLElement> {
  await waitFor(() => expect(landing()).toHaveAttribute('data-state', state));
  return landing();
}

function widgetFrame(): HTMLIFrameElement {
  const frame = document.querySelector<HTMLIFrameElement>('[data-slot="widget-frame"]');
  if (!frame) throw new Error('no widget on screen');
  return frame;
}

function widgetCompletes() {
  const frame = widgetFrame();
  act(() => {
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { domain: 'meld-connect', eventName: 'connect_complete', metadata: { institutionId: 'inst_1' } },
        origin: new URL(frame.src).origin,
        source: frame.contentWindow,
      }),
    );
  });
}

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
});
afterEach(async () => {
  // Unmounted, a landing is over after a moment: let it go before the next test lands its own.
  cleanup();
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('RepairLinkLanding: no link', () => {
  it('given an address without a link, should render nothing and ask the host nothing', async () => {
    const host = backend({ connections: [broken('c0')] });
    land(undefined);
    const { container } = renderKit(<RepairLinkLanding />);
    await act(async () => {});
    expect(container).toBeEmptyDOMElement();
    expect(host.requests()).toEqual([]);
    expect(window.location.search).toBe('?tab=cards');
  });
});

describe('RepairLinkLanding: a link to a connection that needs the customer', () => {
  it('given a valid link, should take it out of the address before the host answers, keeping the rest', async () => {
    const t = token();
    const host = backend({ connections: [broken('c1')], repairLinks: { [t]: 'c1' }, redeem: 'hang' });
    land(t, { state: { app: 'kept' } });
    renderKit(<RepairLinkLanding />);

    const region = await landingIn('redeeming');
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/accounts?tab=cards#top');
    expect(window.history.state).toEqual({ app: 'kept' });
    expect(within(region).getByRole('status')).toHaveTextContent('Opening your link…');
    expect(region).toHaveAccessibleName('Your bank connection');
    await waitFor(() => expect(host.count(REDEEM)).toBe(1));
    expect(host.requests()[0]?.body).toEqual({ token: t });
  });

  it('given a link to a broken connection, should focus the landing, show its prompt with one button, and repair it in the dialog', async () => {
    const t = token();
    const onRedeemed = vi.fn<(redeemed: RedeemedRepairLink) => void>();
    const host = backend({ connections: [broken('c2')], repairLinks: { [t]: 'c2' } });
    land(t);
    const { queryClient } = renderKit(<RepairLinkLanding onRedeemed={onRedeemed} />);

    const region = await landingIn('ready');
    await settle();
    expect(document.activeElement).toBe(within(region).getByRole('heading', { name: 'Your bank connection' }));
    const prompt = region.querySelector<HTMLElement>('[data-slot="repair-landing-prompt"]');
    expect(prompt).toHaveAttribute('data-state', 'reconnect');
    expect(prompt).toHaveTextContent('Your connection to Harbor Credit Union stopped updating.');
    expect(within(region).getAllByRole('button').map((b) => b.textContent)).toEqual(['Reconnect']);
    expect(onRedeemed).toHaveBeenCalledTimes(1);
    expect(onRedeemed.mock.calls[0]?.[0]).toMatchObject({ connectionId: 'c2', connection: { id: 'c2', status: 'RECONNECT_REQUIRED' } });
    // In the kit's cache under useConnection's key: no read of the connection was needed.
    expect(queryClient.getQueryData(['meld-reconnect-kit', 'connections', 'detail', 'c2'])).toMatchObject({ id: 'c2' });
    expect(host.count('GET /connections/c2')).toBe(0);
    // Nothing opens by itself: the widget waits for the customer's click.
    expect(document.querySelector('[data-slot="widget-dialog"]')).toBeNull();
    expect(host.count('POST /connections/c2/repair')).toBe(0);

    fireEvent.click(within(region).getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(document.querySelector('[data-slot="widget-dialog"]')).not.toBeNull());
    expect(widgetFrame().src.startsWith(WIDGET_ORIGIN)).toBe(true);
    host.setStatus('c2', 'ACTIVE', null);
    widgetCompletes();
    await waitFor(() => expect(region.querySelector('[data-slot="repair-landing-prompt"]')).toHaveAttribute('data-state', 'verified'));
    expect(region).toHaveTextContent('Your Harbor Credit Union connection is working again.');
    expect(host.count('POST /connections/c2/repair')).toBe(1);
  });

  it('given StrictMode, should redeem once and report once', async () => {
    const t = token();
    const onRedeemed = vi.fn();
    const host = backend({ connections: [broken('c3')], repairLinks: { [t]: 'c3' } });
    land(t);
    renderKit(<RepairLinkLanding onRedeemed={onRedeemed} />, { strict: true });
    await landingIn('ready');
    await settle();
    expect(host.count(REDEEM)).toBe(1);
    expect(onRedeemed).toHaveBeenCalledTimes(1);
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Reconnect']);
  });

  it('given two views of the same landing and a remount while redeeming, should still redeem once', async () => {
    const t = token();
    const host = backend({ connections: [broken('c4')], repairLinks: { [t]: 'c4' }, latencyMs: 30 });
    land(t);
    const first = renderKit(
      <>
        <RepairLinkLanding />
        <RepairLinkLanding autoFocus={false} />
      </>,
    );
    await waitFor(() => expect(document.querySelectorAll('[data-state="redeeming"]')).toHaveLength(2));
    first.unmount();
    renderKit(<RepairLinkLanding />);
    await landingIn('ready');
    expect(host.count(REDEEM)).toBe(1);
  });
});

describe('RepairLinkLanding: refused links', () => {
  it.each<[string, boolean, (host: HostApiHandlers, t: string) => Promise<unknown> | void]>([
    ['an unknown link', false, () => {}],
    ['a used link', true, (_host, t) => fetch(`${BASE}/repair-links/redeem`, { method: 'POST', body: JSON.stringify({ token: t }) })],
    ['a link whose connection is gone', true, (host) => host.reset([])],
  ])('given %s, should say it can no longer be used, with no prompt and no hint about the connection', async (_label, issued, before) => {
    const t = token();
    const onInvalid = vi.fn();
    const host = backend({ connections: [broken('c5')], repairLinks: issued ? { [t]: 'c5' } : {} });
    await before(host, t);
    land(t);
    renderKit(<RepairLinkLanding onInvalid={onInvalid} />);
    const region = await landingIn('invalid');
    expect(within(region).getByRole('status')).toHaveTextContent('This link can no longer be used.');
    expect(region).not.toHaveTextContent('Harbor');
    expect(within(region).queryAllByRole('button')).toEqual([]);
    expect(onInvalid).toHaveBeenCalledTimes(1);
    expect(onInvalid.mock.calls[0]?.[0]).toMatchObject({ kind: 'invalid-link', status: 404 });
    expect(window.location.search).toBe('?tab=cards');
  });

  it.each([
    ['too long', 'a'.repeat(513)],
    ['of another alphabet', 'abc.def%2Fghi'],
    ['empty', ''],
  ])('given a token %s, should refuse it without a request', async (_label, value) => {
    const host = backend({ connections: [broken('c6')] });
    const onInvalid = vi.fn();
    land(value);
    renderKit(<RepairLinkLanding onInvalid={onInvalid} />);
    await landingIn('invalid');
    expect(host.count(REDEEM)).toBe(0);
    expect(onInvalid).toHaveBeenCalledWith(expect.objectContaining({ kind: 'invalid-link' }));
    expect(window.location.search).toBe('?tab=cards');
  });
});

describe('RepairLinkLanding: failures that may pass', () => {
  it.each([
    [401, 'Your session has ended. Sign in to the app again, then retry.'],
    [429, 'Too many attempts. Try again in a few minutes.'],
    [500, 'We could not reach the server. Check your connection and try again.'],
    [502, 'We could not reach the server. Check your connection and try again.'],
  ] as const)('given %i, should say so and redeem on "Try again"', async (status, words) => {
    const t = token();
    const host = backend({ connections: [broken('c7')], repairLinks: { [t]: 'c7' }, redeem: status });
    land(t);
    renderKit(<RepairLinkLanding />);
    const region = await landingIn('error');
    expect(within(region).getByRole('status')).toHaveTextContent(words);
    host.scriptRedeem('ok');
    fireEvent.click(within(region).getByRole('button', { name: 'Try again' }));
    await landingIn('ready');
    await settle();
    expect(host.count(REDEEM)).toBe(2);
    expect(within(landing()).getByRole('button', { name: 'Reconnect' })).toBeInTheDocument();
  });

  it('given no answer at all (offline), should offer "Try again"', async () => {
    const t = token();
    const host = backend({ connections: [broken('c8')], repairLinks: { [t]: 'c8' } });
    server.use(http.post(`${BASE}/repair-links/redeem`, () => HttpResponse.error()));
    land(t);
    renderKit(<RepairLinkLanding />);
    const region = await landingIn('error');
    expect(within(region).getByRole('status')).toHaveTextContent('We could not reach the server.');
    server.use(...host.handlers);
    fireEvent.click(within(region).getByRole('button', { name: 'Try again' }));
    await landingIn('ready');
  });

  it('given an answer the kit cannot read, should say the link could not be opened, with no retry', async () => {
    const t = token();
    backend({ connections: [broken('c9')] });
    server.use(http.post(`${BASE}/repair-links/redeem`, () => HttpResponse.json({ connectionId: 'c9' })));
    land(t);
    renderKit(<RepairLinkLanding />);
    const region = await landingIn('error');
    expect(within(region).getByRole('status')).toHaveTextContent('We could not open this link.');
    expect(within(region).queryAllByRole('button')).toEqual([]);
  });
});

describe('RepairLinkLanding: a connection that needs nothing', () => {
  it('given a healthy connection, should say it is already connected, with no button', async () => {
    const t = token();
    backend({ connections: [aConnection({ id: 'c10', status: 'ACTIVE', institutionName: 'Harbor Credit Union' })], repairLinks: { [t]: 'c10' } });
    land(t);
    renderKit(<RepairLinkLanding />);
    const region = await landingIn('ready');
    await waitFor(() => expect(region.querySelector('[data-slot="repair-landing-connected"]')).toHaveTextContent('Harbor Credit Union is already connected. There is nothing to do.'));
    expect(within(region).queryAllByRole('button')).toEqual([]);
    expect(region.querySelector('[data-slot="repair-landing-prompt"]')).toBeNull();
  });
});

describe('RepairLinkLanding: words', () => {
  it('given the Spanish catalog, should speak Spanish and say so', async () => {
    const t = token();
    backend({ connections: [broken('c11')], repairLinks: {} });
    land(t);
    renderKit(<RepairLinkLanding />, { messages: es, locale: 'es' });
    const region = await landingIn('invalid');
    expect(region).toHaveAttribute('lang', 'es');
    expect(within(region).getByRole('heading')).toHaveTextContent('Tu conexión bancaria');
    expect(within(region).getByRole('status')).toHaveTextContent('Este enlace ya no se puede usar.');
  });

  it('given a parameter of the host\'s own, should read that one and leave meld_repair alone', async () => {
    const t = token();
    const host = backend({ connections: [broken('c12')], repairLinks: { [t]: 'c12' } });
    window.history.replaceState(null, '', `/home?fix=${t}&meld_repair=other`);
    renderKit(<RepairLinkLanding param="fix" />);
    await landingIn('ready');
    expect(window.location.search).toBe('?meld_repair=other');
    expect(host.requests()[0]?.body).toEqual({ token: t });
  });
});

describe('RepairLinkLanding: misuse', () => {
  it('given no provider, should throw an error that names the component and the fix', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<RepairLinkLanding />)).toThrow(/`RepairLinkLanding` must be used inside <ReconnectKitProvider>/);
  });

  it('given an onRedeemed that throws, should still land the link and report the error as uncaught', async () => {
    const t = token();
    backend({ connections: [broken('c13')], repairLinks: { [t]: 'c13' } });
    // jsdom has no reportError (browsers do): the platform's hook, not the kit's.
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    land(t);
    renderKit(
      <RepairLinkLanding
        onRedeemed={() => {
          throw new Error('analytics is down');
        }}
      />,
    );
    await landingIn('ready');
    await settle();
    expect(await screen.findByRole('button', { name: 'Reconnect' })).toBeInTheDocument();
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'analytics is down' }));
  });
});
