// useRepairLink, headless: what a host building its own landing relies on. The host backend is
// the kit's MSW handlers (or a route of the test's own where a race needs holding), never a stub
// of the kit's functions.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactElement, ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ReconnectKitProvider,
  RepairLinkLanding,
  applyStatusChange,
  createHostClient,
  useRepairLink,
  type Connection,
  type HostApi,
  type WidgetMode,
} from '../../src/index.js';
import { hostApiHandlers, type HostApiHandlers, type HostApiHandlersOptions } from '../../src/testing/msw/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, server } from '../helpers/hostServer.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

let seq = 0;
const token = () => `hook_${(seq += 1)}_${Math.random().toString(36).slice(2, 10)}`;
const broken = (id: string) => aConnection({ id, status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'Harbor Credit Union' });

function backend(options: HostApiHandlersOptions): HostApiHandlers {
  const host = hostApiHandlers({ baseUrl: BASE, events: false, ...options });
  server.use(...host.handlers);
  return host;
}

function Probe() {
  const link = useRepairLink();
  return (
    <div>
      <p data-testid="status">{`${link.status} ${link.via ?? '-'} ${link.connectionId ?? '-'} ${link.connection?.status ?? '-'} ${link.retryable}`}</p>
      <button type="button" onClick={link.retry}>
        retry
      </button>
    </div>
  );
}

function renderKit(ui: ReactElement, { hostApi, mode }: { hostApi?: HostApi; mode?: WidgetMode } = {}) {
  const queryClient = newQueryClient();
  const provider = hostApi ? { hostApi } : { baseUrl: BASE };
  function Host({ children }: { children: ReactNode }) {
    return (
      <ReconnectKitProvider
        {...provider}
        queryClient={queryClient}
        broadcastChannel={false}
        dismissStorage={null}
        widget={{ mode }}
        verification={{ delaysMs: [0, 50, 100], timeoutMs: 2_000 }}
      >
        {children}
      </ReconnectKitProvider>
    );
  }
  return { queryClient, ...render(ui, { wrapper: Host }) };
}

const status = () => screen.getByTestId('status').textContent;

/** Past the landing's "nothing shows it any more" moment. */
async function nextTask() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
}

beforeEach(() => {
  sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(async () => {
  // Unmounted, a landing is over after a moment: let it go before the next test lands its own.
  cleanup();
  await nextTask();
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
});

describe('useRepairLink', () => {
  it('given a page without a link, should say none', async () => {
    renderKit(<Probe />);
    await nextTask();
    expect(status()).toBe('none - - - false');
  });

  it('given a router navigation that adds a link after mount, should land it', async () => {
    const t = token();
    const host = backend({ connections: [broken('h1')], repairLinks: { [t]: 'h1' } });
    const { rerender } = renderKit(<Probe />);
    await nextTask();
    expect(status()).toBe('none - - - false');
    // The router pushes the new address and re-renders the page.
    window.history.pushState(null, '', `/fix?meld_repair=${t}`);
    rerender(<Probe />);
    await waitFor(() => expect(status()).toBe('ready link h1 RECONNECT_REQUIRED false'));
    expect(window.location.search).toBe('');
    expect(host.count('POST /repair-links/redeem')).toBe(1);
  });

  it('given the back button brings an address with a link, should land it (popstate)', async () => {
    const t = token();
    backend({ connections: [broken('h2')], repairLinks: { [t]: 'h2' } });
    renderKit(<Probe />);
    await nextTask();
    act(() => {
      window.history.pushState(null, '', `/?meld_repair=${t}`);
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    await waitFor(() => expect(status()).toBe('ready link h2 RECONNECT_REQUIRED false'));
  });

  it('given a status pushed while the host answered, should read the connection again instead of keeping the older answer', async () => {
    const t = token();
    const host = backend({ connections: [broken('h3')] });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.post(`${BASE}/repair-links/redeem`, async () => {
        // The backend read the connection, then Meld's webhook changed it before the answer arrived.
        const connection = host.getConnection('h3');
        await released;
        return HttpResponse.json({ connectionId: 'h3', connection });
      }),
    );
    window.history.replaceState(null, '', `/?meld_repair=${t}`);
    const { queryClient } = renderKit(<Probe />);
    await waitFor(() => expect(status()).toBe('redeeming link - - false'));
    host.setStatus('h3', 'ACTIVE', null);
    act(() => {
      applyStatusChange(queryClient, { connectionId: 'h3', newStatus: 'ACTIVE', newStatusReason: null });
    });
    release();
    await waitFor(() => expect(status()).toBe('ready link h3 ACTIVE false'));
    expect(host.count('GET /connections/h3')).toBe(1);
  });

  it('given no push while the host answered, should read nothing more', async () => {
    const t = token();
    const host = backend({ connections: [broken('h4')], repairLinks: { [t]: 'h4' } });
    window.history.replaceState(null, '', `/?meld_repair=${t}`);
    renderKit(<Probe />);
    await waitFor(() => expect(status()).toBe('ready link h4 RECONNECT_REQUIRED false'));
    await nextTask();
    expect(host.count('GET /connections/h4')).toBe(0);
  });

  it('given a status pushed after the landing, should show it (the connection is the cache\'s)', async () => {
    const t = token();
    backend({ connections: [broken('h5')], repairLinks: { [t]: 'h5' } });
    window.history.replaceState(null, '', `/?meld_repair=${t}`);
    const { queryClient } = renderKit(<Probe />);
    await waitFor(() => expect(status()).toBe('ready link h5 RECONNECT_REQUIRED false'));
    act(() => {
      applyStatusChange(queryClient, { connectionId: 'h5', newStatus: 'ACTIVE', newStatusReason: null });
    });
    await waitFor(() => expect(status()).toBe('ready link h5 ACTIVE false'));
  });

  it('given a host API of the host\'s own without redeemRepairLink, should fail with an error that names the fix', async () => {
    const t = token();
    const { redeemRepairLink: _, ...older } = createHostClient({ baseUrl: BASE });
    window.history.replaceState(null, '', `/?meld_repair=${t}`);
    function Seen() {
      const link = useRepairLink();
      return <p data-testid="status">{`${link.status} ${link.retryable} ${link.error?.message ?? ''}`}</p>;
    }
    renderKit(<Seen />, { hostApi: older });
    await waitFor(() => expect(status()).toMatch(/^error false .*needs a host API with redeemRepairLink/));
  });

  it('given the landing shown and then no longer mounted anywhere, should be over: a later mount shows nothing', async () => {
    const t = token();
    backend({ connections: [broken('h6')], repairLinks: { [t]: 'h6' } });
    window.history.replaceState(null, '', `/?meld_repair=${t}`);
    const first = renderKit(<Probe />);
    await waitFor(() => expect(status()).toBe('ready link h6 RECONNECT_REQUIRED false'));
    first.unmount();
    await nextTask();
    renderKit(<Probe />);
    await nextTask();
    expect(status()).toBe('none - - - false');
  });
});

describe('RepairLinkLanding in redirect mode', () => {
  it('given the customer leaves for Meld\'s widget from the landing, should come back after the reload with the connection verified, then forget it', async () => {
    // jsdom cannot navigate: it says so on its console; the page "reloads" below.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = token();
    const host = backend({ connections: [broken('h7')], repairLinks: { [t]: 'h7' } });
    window.history.replaceState(null, '', `/accounts?meld_repair=${t}`);
    const before = renderKit(<RepairLinkLanding />, { mode: 'redirect' });
    const region = await screen.findByRole('region', { name: 'Your bank connection' });
    fireEvent.click(await within(region).findByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(host.count('POST /connections/h7/repair')).toBe(1));
    await waitFor(() => expect(sessionStorage.getItem('meld-reconnect-kit:redirect')).toContain('"connectionId":"h7"'));
    expect(sessionStorage.getItem('meld-reconnect-kit:landed')).toContain('"connectionId":"h7"');
    expect(sessionStorage.getItem('meld-reconnect-kit:landed')).not.toContain(t);

    // The customer signs in at Meld; the webhook updates the backend; Meld sends the browser back (no link).
    before.unmount();
    await nextTask();
    host.setStatus('h7', 'ACTIVE', null);
    renderKit(<RepairLinkLanding />, { mode: 'redirect' });
    const back = await screen.findByRole('region', { name: 'Your bank connection' });
    await waitFor(() => expect(back.querySelector('[data-slot="repair-landing-prompt"]')).toHaveAttribute('data-state', 'verified'));
    expect(back).toHaveTextContent('Your Harbor Credit Union connection is working again.');
    expect(host.count('POST /repair-links/redeem')).toBe(1);
    expect(sessionStorage.getItem('meld-reconnect-kit:landed')).toBeNull();
    expect(sessionStorage.getItem('meld-reconnect-kit:redirect')).toBeNull();
  });

  it('given a landed connection but no redirect under way (another mode, or it was taken), should show nothing and forget it', async () => {
    sessionStorage.setItem('meld-reconnect-kit:landed', JSON.stringify({ connectionId: 'h8', at: Date.now() }));
    renderKit(<Probe />);
    await nextTask();
    expect(status()).toBe('none - - - false');
    expect(sessionStorage.getItem('meld-reconnect-kit:landed')).toBeNull();
  });
});

describe('a connection the landing shows', () => {
  it('should be the same object the rest of the kit reads', async () => {
    const t = token();
    const connection: Connection = broken('h9');
    backend({ connections: [connection], repairLinks: { [t]: 'h9' } });
    window.history.replaceState(null, '', `/?meld_repair=${t}`);
    const { queryClient } = renderKit(<Probe />);
    await waitFor(() => expect(status()).toBe('ready link h9 RECONNECT_REQUIRED false'));
    expect(queryClient.getQueryData(['meld-reconnect-kit', 'connections', 'detail', 'h9'])).toMatchObject({ id: 'h9', institutionName: 'Harbor Credit Union' });
  });
});
