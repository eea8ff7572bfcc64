import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import {
  ReconnectKitProvider,
  openMeldWidget,
  saveRedirectState,
  useConnection,
  useConnectionEvents,
  useReconnectFlow,
  type ReconnectKitEvent,
  type WidgetMode,
} from '../../src/index.js';
import { BASE_URL, HOST_PORT, RELAY_URL, emit, hostState, resetHost, widgetUrl } from './fakeHost.js';

function Flow({ id = 'c1', mode, live = false }: { id?: string; mode?: WidgetMode; live?: boolean }) {
  const { data } = useConnection(id);
  const events = useConnectionEvents({ enabled: live });
  const flow = useReconnectFlow(id, { mode, verification: { timeoutMs: 4_000, delaysMs: [500, 1_000, 2_000] } });
  return (
    <div>
      <p>status {data?.status ?? '...'}</p>
      <p>stream {events.state}</p>
      <p>
        flow {flow.status}
        {flow.failure ? ` ${flow.failure}` : ''}
        {flow.reason !== undefined ? ` reason ${flow.reason}` : ''}
      </p>
      <button type="button" onClick={() => flow.start()}>
        Reconnect
      </button>
      <button type="button" onClick={() => flow.reset()}>
        Reset
      </button>
    </div>
  );
}

function renderFlow(props: Parameters<typeof Flow>[0] = {}, onEvent = vi.fn<(event: ReconnectKitEvent) => void>()) {
  const view = render(
    <StrictMode>
      <ReconnectKitProvider
        baseUrl={BASE_URL}
        queryClient={new QueryClient()}
        broadcastChannel={false}
        onEvent={onEvent}
        // The host API is on another origin here; the relay page is on this one.
        widget={{ allowedHosts: [HOST_PORT], relayUrl: RELAY_URL }}
      >
        <Flow {...props} />
      </ReconnectKitProvider>
    </StrictMode>,
  );
  return { view, onEvent, events: () => onEvent.mock.calls.map(([event]) => event.type) };
}

const broken = (extra: Record<string, unknown> = {}) => ({
  id: 'c1',
  status: 'RECONNECT_REQUIRED',
  statusReason: 'LOGIN_REQUIRED',
  institutionName: 'First Test Bank',
  ...extra,
});

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('useReconnectFlow in Chromium (loopback host, widget on another origin)', () => {
  it('given the customer signs in, should go repair -> widget -> verified by push, with the funnel events', async () => {
    await resetHost([broken({ widget: 'auto=complete' })]);
    const { view, events } = renderFlow({ live: true });
    await screen.findByText('status RECONNECT_REQUIRED');
    await screen.findByText('stream open');
    const readsBefore = (await hostState()).counts['GET /connections/c1'];
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow verified reason null');
    expect(screen.getByText('status ACTIVE')).toBeTruthy();
    expect(events()).toEqual(['flow_started', 'widget_opened', 'widget_completed', 'verified']);
    const { counts } = await hostState();
    expect(counts['POST /connections/c1/repair']).toBe(1);
    expect(counts['GET /connections/c1']).toBe(readsBefore); // verification came by push: no re-read
    expect(document.querySelector('dialog')).toBeNull();
    view.unmount();
  });

  it('given no live stream, should verify with one-shot reads', async () => {
    await resetHost([broken({ widget: 'auto=complete' })]);
    const { view } = renderFlow();
    await screen.findByText('status RECONNECT_REQUIRED');
    const readsBefore = (await hostState()).counts['GET /connections/c1'] ?? 0;
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow verified reason null', undefined, { timeout: 3_000 });
    expect((await hostState()).counts['GET /connections/c1']).toBe(readsBefore + 1);
    view.unmount();
  });

  it('given a provider failure during sign-in, should end still-broken with the new reason', async () => {
    await resetHost([broken({ widget: 'auto=complete&outcome=still-broken' })]);
    const { view, events } = renderFlow({ live: true });
    await screen.findByText('stream open');
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow still-broken still-broken reason OTHER');
    expect(events().at(-1)).toBe('failed');
    view.unmount();
  });

  it('given a wrong password, should fail with widget-error', async () => {
    await resetHost([broken({ widget: 'auto=error' })]);
    const { view, onEvent } = renderFlow();
    await screen.findByText('status RECONNECT_REQUIRED');
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow failed widget-error');
    expect(onEvent).toHaveBeenLastCalledWith(expect.objectContaining({ type: 'failed', failure: 'widget-error', mode: 'dialog' }));
    view.unmount();
  });

  it('given a 409 from repair, should fail with cannot-repair and open no widget', async () => {
    await resetHost([broken({ repairStatus: 409 })]);
    const { view } = renderFlow();
    await screen.findByText('status RECONNECT_REQUIRED');
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow failed cannot-repair');
    expect(document.querySelector('dialog')).toBeNull();
    view.unmount();
  });

  it('given an unknown connection, should fail with not-found', async () => {
    await resetHost([]);
    const { view } = renderFlow({ id: 'missing' });
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow failed not-found');
    view.unmount();
  });

  it('given the host sends an unsafe widget URL, should refuse to open it', async () => {
    await resetHost([broken({ widget: 'widgetUrl=https://meld.io.evil.com/connect' })]);
    const { view } = renderFlow();
    await screen.findByText('status RECONNECT_REQUIRED');
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow failed unsafe-widget-url');
    expect(document.querySelector('dialog, iframe')).toBeNull();
    view.unmount();
  });

  it('given a double click, should make one request and open one widget', async () => {
    await resetHost([broken()]);
    const { view } = renderFlow();
    await screen.findByText('status RECONNECT_REQUIRED');
    await userEvent.dblClick(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow widget-open');
    expect(document.querySelectorAll('dialog')).toHaveLength(1);
    expect((await hostState()).counts['POST /connections/c1/repair']).toBe(1);
    view.unmount();
    expect(document.querySelectorAll('dialog')).toHaveLength(0);
  });

  it('given the customer closes and reopens, should reuse a young session and never one older than 3 hours', async () => {
    await resetHost([broken()]);
    const { view, events } = renderFlow();
    await screen.findByText('status RECONNECT_REQUIRED');
    const reconnect = screen.getByRole('button', { name: 'Reconnect' });

    await userEvent.click(reconnect);
    await screen.findByText('flow widget-open');
    await userEvent.keyboard('{Escape}');
    await screen.findByText('flow cancelled');
    expect(events()).toContain('abandoned');

    await userEvent.click(reconnect);
    await screen.findByText('flow widget-open');
    expect((await hostState()).counts['POST /connections/c1/repair']).toBe(1);
    await userEvent.keyboard('{Escape}');
    await screen.findByText('flow cancelled');

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3 * 60 * 60 * 1000 + 1_000);
    await userEvent.click(reconnect);
    await screen.findByText('flow widget-open');
    expect((await hostState()).counts['POST /connections/c1/repair']).toBe(2);
    view.unmount();
  });

  it('given popup mode from a real click, should complete in the popup', async () => {
    await resetHost([broken({ widget: 'auto=complete' })]);
    const { view, onEvent } = renderFlow({ mode: 'popup' });
    await screen.findByText('status RECONNECT_REQUIRED');
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow verified reason null', undefined, { timeout: 5_000 });
    expect(onEvent).toHaveBeenCalledWith(expect.objectContaining({ type: 'widget_opened', mode: 'popup' }));
    expect(document.querySelector('dialog')).toBeNull();
    view.unmount();
  });

  it('given reset while the widget is open, should close it and go idle', async () => {
    await resetHost([broken()]);
    const { view } = renderFlow();
    await screen.findByText('status RECONNECT_REQUIRED');
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await screen.findByText('flow widget-open');
    (screen.getByRole('button', { name: 'Reset' }) as HTMLButtonElement).click();
    await screen.findByText('flow idle');
    await waitFor(() => expect(document.querySelector('dialog')).toBeNull());
    view.unmount();
  });
});

describe('redirect mode in Chromium', () => {
  it('should save resumable state and leave for the validated widget URL', () => {
    sessionStorage.clear();
    const navigate = vi.fn();
    const onClose = vi.fn();
    const handle = openMeldWidget({
      widgetUrl: widgetUrl(),
      mode: 'redirect',
      allowedHosts: [HOST_PORT],
      redirect: { connectionId: 'c1', navigate },
      onClose,
    });
    expect(handle.mode).toBe('redirect');
    expect(navigate).toHaveBeenCalledWith(widgetUrl());
    const saved = JSON.parse(sessionStorage.getItem('meld-reconnect-kit:redirect') ?? '{}');
    expect(saved).toMatchObject({ connectionId: 'c1', state: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(Date.now() - saved.startedAt).toBeLessThan(5_000);
    expect(document.querySelector('dialog')).toBeNull();
  });

  it('given the customer returns from the widget, should resume verification and clear the state', async () => {
    await resetHost([broken()]);
    sessionStorage.clear();
    saveRedirectState('c1');
    await emit({ connectionId: 'c1', newStatus: 'ACTIVE', newStatusReason: null });
    const { onEvent } = renderFlow();
    await screen.findByText('flow verified reason null', undefined, { timeout: 3_000 });
    expect(onEvent).toHaveBeenCalledWith(expect.objectContaining({ type: 'verified', mode: 'redirect' }));
    expect(sessionStorage.getItem('meld-reconnect-kit:redirect')).toBeNull();
  });
});
