// Issue 11, "what the customer sees over time": each item replayed as a host's own
// Testing Library suite would, through the package's React exports, with the host's
// HTTP endpoints answered by MSW (test/helpers/hostServer.ts) and pushes applied with
// applyStatusChange, the way a host's socket handler does.
import { useIsMutating, type QueryClient } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactElement, ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionHealthList,
  ConnectionStatusBadge,
  ReconnectBanner,
  ReconnectKitProvider,
  applyStatusChange,
  reconnectKitKeys,
  useReconnectFlow,
  type Connection,
  type ReconnectKitEvent,
  type StatusChangePayload,
} from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, fake, resetFake, server } from '../helpers/hostServer.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

const WIDGET_ORIGIN = 'https://institution-connect-sb.meld.io';
const COMPLETE = { domain: 'meld-connect', eventName: 'connect_complete', metadata: { institutionId: 'inst_1' } };

interface KitOptions {
  onEvent?: (event: ReconnectKitEvent) => void;
  /** Verification reads at once and gives up soon, so a repaired connection settles within the test. */
  quickVerification?: boolean;
}

/** The host's page: one provider over a fresh QueryClient; rerenders keep it. */
function renderKit(ui: ReactElement, options: KitOptions = {}) {
  const queryClient = newQueryClient();
  const verification = options.quickVerification ? { delaysMs: [0, 50, 100], timeoutMs: 2_000 } : undefined;
  function Host({ children }: { children: ReactNode }) {
    return (
      <ReconnectKitProvider
        baseUrl={BASE}
        queryClient={queryClient}
        broadcastChannel={false}
        dismissStorage={null}
        onStartNewConnection={() => {}}
        onEvent={options.onEvent}
        verification={verification}
      >
        {children}
      </ReconnectKitProvider>
    );
  }
  return { queryClient, ...render(ui, { wrapper: Host }) };
}

/** Lets a due prompt's view (loaded on demand) arrive, so that what is checked next is what the customer sees. */
async function settle() {
  await act(async () => {
    await import('../../src/promptParts/PromptView.js');
  });
}

/** A push from the host's live channel, as its socket handler would apply it. */
function push(queryClient: QueryClient, payload: StatusChangePayload) {
  act(() => {
    applyStatusChange(queryClient, payload);
  });
}

function banners(container: HTMLElement = document.body): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>('[data-slot="banner"]')];
}

function widgetDialogs(): HTMLDialogElement[] {
  return [...document.querySelectorAll<HTMLDialogElement>('[data-slot="widget-dialog"]')];
}

function widgetFrame(): HTMLIFrameElement {
  const frame = document.querySelector<HTMLIFrameElement>('[data-slot="widget-frame"]');
  if (!frame) throw new Error('no widget on screen');
  return frame;
}

/** Meld's widget says the customer finished: from its own origin and its own window. */
function widgetCompletes() {
  const frame = widgetFrame();
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data: COMPLETE, origin: new URL(frame.src).origin, source: frame.contentWindow }));
  });
}

/** A host endpoint that answers only when the test lets it. */
function holdRoute(method: 'post', path: string, answer: () => Response) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  server.use(
    http[method](`${BASE}${path}`, async () => {
      calls += 1;
      await released;
      return answer();
    }),
  );
  return { release, calls: () => calls };
}

/** Each connection's repair session opens its own widget URL (the default fake uses one for all). */
function repairSessionsPerConnection() {
  server.use(
    http.post(`${BASE}/connections/:id/repair`, ({ params }) => {
      const id = String(params.id);
      fake.counts.set(`POST /connections/${id}/repair`, fake.count(`POST /connections/${id}/repair`) + 1);
      return HttpResponse.json(
        { connectionId: id, connectToken: `tok_${id}`, widgetUrl: `${WIDGET_ORIGIN}/?connectToken=tok_${id}` },
        { status: 201 },
      );
    }),
  );
}

const broken = (id: string, extra: Partial<Connection> = {}) => aConnection({ id, status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', ...extra });
const partial = (id: string) => aConnection({ id, status: 'PARTIALLY_ACTIVE', statusReason: 'PARTIAL_AGGREGATION_SUCCESS' });

beforeEach(() => localStorage.clear());
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('item 1: "a ReconnectBanner given a connection object keeps its first value"', () => {
  it('given a banner showing Reconnect, when the host rerenders it with the same connection now ACTIVE, should put the banner away', async () => {
    const connection = broken('i1');
    const { rerender } = renderKit(<ReconnectBanner connection={connection} />);
    await settle();
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeInTheDocument();

    rerender(<ReconnectBanner connection={{ ...connection, status: 'ACTIVE', statusReason: null }} />);
    await settle();

    expect(banners()).toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Reconnect' })).toBeNull();
  });
});

describe('item 2: "I\'ve done this", a push to ACTIVE, then a new INSTITUTION_ACTION_REQUIRED "stays on Thanks ... is updating and hides the new message"', () => {
  it('given the customer said they did it and the connection recovered, when the bank asks for something new, should show the new message and ask again', async () => {
    const connection = aConnection({ id: 'i2', status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: 'Approve access in the app.' });
    const { queryClient } = renderKit(<ReconnectBanner connection={connection} />);
    await settle();
    expect(screen.getByRole('status')).toHaveTextContent('Approve access in the app.');

    fireEvent.click(screen.getByRole('button', { name: "I've done this" }));
    await screen.findByText('Thanks. First Test Bank is updating.');
    expect(fake.count('POST /connections/i2/refresh')).toBe(1);

    push(queryClient, { connectionId: 'i2', newStatus: 'ACTIVE', newStatusReason: null });
    await waitFor(() => expect(banners()).toHaveLength(0));

    push(queryClient, { connectionId: 'i2', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: 'Confirm the new device at your bank.' });
    await settle();
    const banner = await screen.findByRole('status');
    expect(banner).toHaveAttribute('data-state', 'institution-action');
    expect(banner).toHaveTextContent('Confirm the new device at your bank.');
    expect(banner).not.toHaveTextContent('Thanks');
    expect(within(banner).getByRole('button', { name: "I've done this" })).toBeInTheDocument();
  });

  it('given "Thanks ... is updating" on screen, when the customer dismisses it, should put it away', async () => {
    const connection = aConnection({ id: 'i2b', status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: 'Approve access in the app.' });
    renderKit(<ReconnectBanner connection={connection} />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: "I've done this" }));
    const thanks = await screen.findByText('Thanks. First Test Bank is updating.');

    fireEvent.click(within(thanks.closest('[data-slot="banner"]') as HTMLElement).getByRole('button', { name: 'Dismiss' }));

    await waitFor(() => expect(banners()).toHaveLength(0));
  });
});

describe('item 3: "a refresh that failed (host 500), then the prompt\'s retry: no second request is sent"', () => {
  it('given a Refresh the host answered with 500, when the customer presses Try again, should send the refresh again', async () => {
    let answers = 0;
    server.use(
      http.post(`${BASE}/connections/i3/refresh`, () => {
        answers += 1;
        return answers === 1
          ? HttpResponse.json({ code: 'INTERNAL', message: 'boom' }, { status: 500 })
          : HttpResponse.json({ requestId: 'req_2' }, { status: 202 });
      }),
    );
    renderKit(<ReconnectBanner connection={partial('i3')} />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    const alert = await screen.findByRole('alert');

    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));

    await waitFor(() => expect(answers).toBe(2));
    await waitFor(() => expect(screen.getByRole('status')).toHaveAttribute('data-state', 'partial-data-persists'));
  });
});

describe('item 4: "two banners for one connection: dismissing one leaves the other showing"', () => {
  it('given two banners for one connection, when the customer dismisses one, should put both away', async () => {
    const connection = broken('i4');
    renderKit(
      <>
        <ReconnectBanner connection={connection} />
        <ReconnectBanner connection={connection} />
      </>,
    );
    await settle();
    expect(banners()).toHaveLength(2);

    fireEvent.click(within(banners()[0] as HTMLElement).getByRole('button', { name: 'Dismiss' }));

    await waitFor(() => expect(banners()).toHaveLength(0));
  });
});

describe('item 5: "prompt_shown is tracked per state, not per connection"', () => {
  it('given a banner moved from ca to cb, both needing a reconnect, should report prompt_shown for each connection', async () => {
    const events: ReconnectKitEvent[] = [];
    const { rerender } = renderKit(<ReconnectBanner connection={broken('ca5')} />, { onEvent: (event) => events.push(event) });
    await settle();
    rerender(<ReconnectBanner connection={broken('cb5')} />);
    await settle();

    await waitFor(() =>
      expect(events.filter((e) => e.type === 'prompt_shown').map((e) => [e.connectionId, e.status])).toEqual([
        ['ca5', 'RECONNECT_REQUIRED'],
        ['cb5', 'RECONNECT_REQUIRED'],
      ]),
    );
  });
});

describe('item 6: "useReconnectFlow: start, reset, start again before the repair answer arrives opens a widget for the cancelled attempt"', () => {
  function FlowButtons({ onEvent }: { onEvent: (event: ReconnectKitEvent) => void }) {
    const flow = useReconnectFlow('i6', { onEvent });
    return (
      <>
        <p data-testid="flow">{`${flow.status} ${flow.attempt}`}</p>
        <button type="button" onClick={() => flow.start()}>
          Start
        </button>
        <button type="button" onClick={() => flow.reset()}>
          Reset
        </button>
      </>
    );
  }

  it('given start, reset and start again while the repair answer is held, should open one widget, for the second attempt only', async () => {
    resetFake([broken('i6')]);
    const repair = holdRoute('post', '/connections/i6/repair', () =>
      HttpResponse.json({ connectionId: 'i6', connectToken: 'tok_i6', widgetUrl: `${WIDGET_ORIGIN}/?connectToken=tok_i6` }, { status: 201 }),
    );
    const events: ReconnectKitEvent[] = [];
    renderKit(<FlowButtons onEvent={(event) => events.push(event)} />);

    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(repair.calls()).toBe(1));
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    repair.release();

    await waitFor(() => expect(screen.getByTestId('flow')).toHaveTextContent('widget-open'));
    // Whatever the first attempt's answer could still do, it has had the time to do it.
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(widgetDialogs()).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['flow_started', 'abandoned', 'flow_started', 'widget_opened']);
    expect(screen.getByTestId('flow')).toHaveTextContent('widget-open 2');
    expect(events.map((e) => [e.type, e.attempt])).toEqual([
      ['flow_started', 1],
      ['abandoned', 1],
      ['flow_started', 2],
      ['widget_opened', 2],
    ]);
  });
});

describe('item 7: "ConnectionHealthList keeps a connection that is healthy again for 30 s and more, with only a Connected badge"', () => {
  function items(container: HTMLElement): string[] {
    return [...container.querySelectorAll('[data-slot="health-list-item"]')].map((item) => item.querySelector('[data-slot="status-badge"]')?.textContent ?? '');
  }

  it('given a connection pushed ACTIVE while no flow ran, should take it off the list at once', async () => {
    resetFake([broken('i7a', { institutionName: 'Alpha Bank' }), aConnection({ id: 'i7b', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON', institutionName: 'Bravo Bank' })]);
    const { container, queryClient } = renderKit(<ConnectionHealthList />);
    await waitFor(() => expect(items(container)).toEqual(['Alpha Bank: Needs reconnect', 'Bravo Bank: Expiring soon']));
    await settle();

    push(queryClient, { connectionId: 'i7a', newStatus: 'ACTIVE', newStatusReason: null });

    // "At once": well before the few seconds a repaired connection's "working again" shows.
    await waitFor(() => expect(items(container)).toEqual(['Bravo Bank: Expiring soon']), { timeout: 500 });
  });

  // No live stream here: verification confirms the repair by reading the connection, as it does for
  // hosts without one. (Fails today: that read updates the connection's own entry, not the list the
  // component reads, so the row stays with a "Connected" badge; a push, which patches both, passes.)
  it('given a connection repaired through the widget, should say it is working again, then leave the list within a few seconds', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    repairSessionsPerConnection();
    resetFake([broken('i7c', { institutionName: 'Alpha Bank' }), aConnection({ id: 'i7d', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON', institutionName: 'Bravo Bank' })]);
    const { container } = renderKit(<ConnectionHealthList />, { quickVerification: true });
    await waitFor(() => expect(items(container)).toEqual(['Alpha Bank: Needs reconnect', 'Bravo Bank: Expiring soon']));
    await settle();
    const alpha = container.querySelector('[data-slot="health-list-item"]') as HTMLElement;

    fireEvent.click(within(alpha).getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(widgetDialogs()).toHaveLength(1));
    fake.connections.set('i7c', aConnection({ id: 'i7c', status: 'ACTIVE', institutionName: 'Alpha Bank' }));
    widgetCompletes();

    await waitFor(() => expect(within(alpha).getByRole('status')).toHaveTextContent('Your Alpha Bank connection is working again.'));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(4_000);
    });
    await waitFor(() => expect(items(container)).toEqual(['Bravo Bank: Expiring soon']));
  });
});

describe('item 10: "where <dialog> has no showModal/close (jsdom), closing or unmounting with the widget open throws and leaves the dialog and overflow: hidden behind"', () => {
  async function openWidgetFromBanner(id: string) {
    const view = renderKit(<ReconnectBanner connection={broken(id)} />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(widgetDialogs()).toHaveLength(1));
    expect(document.body.style.getPropertyValue('overflow')).toBe('hidden');
    return view;
  }

  it('given the widget open from a banner, when the customer closes it, should leave no dialog or scroll lock and offer Reconnect again', async () => {
    await openWidgetFromBanner('i10a');

    fireEvent.click(within(widgetDialogs()[0] as HTMLElement).getByRole('button', { name: 'Close' }));

    expect(widgetDialogs()).toHaveLength(0);
    expect(document.body.style.getPropertyValue('overflow')).toBe('');
    expect(await screen.findByRole('button', { name: 'Reconnect' })).not.toHaveAttribute('aria-disabled');
  });

  it('given the widget open from a banner, when the page unmounts, should not throw and leave no dialog or scroll lock', async () => {
    const { unmount } = await openWidgetFromBanner('i10b');

    expect(() => unmount()).not.toThrow();

    expect(widgetDialogs()).toHaveLength(0);
    expect(document.body.style.getPropertyValue('overflow')).toBe('');
  });
});

describe('item 13: "useIsMutating({ mutationKey: reconnectKitKeys.refresh(id) }) is always 0"', () => {
  function RefreshCount({ id }: { id: string }) {
    const running = useIsMutating({ mutationKey: reconnectKitKeys.refresh(id) });
    return <p data-testid="running">{running}</p>;
  }

  it('given the prompt\'s refresh is under way, should count it under the connection\'s refresh key', async () => {
    const refresh = holdRoute('post', '/connections/i13/refresh', () => HttpResponse.json({ requestId: 'req_13' }, { status: 202 }));
    renderKit(
      <>
        <ReconnectBanner connection={partial('i13')} />
        <RefreshCount id="i13" />
      </>,
    );
    await settle();
    expect(screen.getByTestId('running')).toHaveTextContent('0');

    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    await waitFor(() => expect(screen.getByTestId('running')).toHaveTextContent('1'));
    refresh.release();
    await waitFor(() => expect(screen.getByTestId('running')).toHaveTextContent('0'));
    expect(refresh.calls()).toBe(1);
  });
});

describe('item 14: "a banner moved from connection ca to cb reopens ca\'s repair session"', () => {
  it('given ca\'s widget opened and closed, when the banner moves to cb and the customer presses Reconnect, should ask cb\'s repair endpoint and open cb\'s session', async () => {
    repairSessionsPerConnection();
    const { rerender } = renderKit(<ReconnectBanner connection={broken('ca14')} />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(widgetFrame().src).toContain('tok_ca14'));
    fireEvent.click(within(widgetDialogs()[0] as HTMLElement).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(widgetDialogs()).toHaveLength(0));

    rerender(<ReconnectBanner connection={broken('cb14')} />);
    await settle();
    fireEvent.click(await screen.findByRole('button', { name: 'Reconnect' }));

    await waitFor(() => expect(widgetDialogs()).toHaveLength(1));
    expect(widgetFrame().src).toBe(`${WIDGET_ORIGIN}/?connectToken=tok_cb14`);
    expect(fake.count('POST /connections/cb14/repair')).toBe(1);
    expect(fake.count('POST /connections/ca14/repair')).toBe(1);
  });
});

describe('item 15: "same cause as 1 and 2", seen beside a badge and on partial data', () => {
  it('given a badge beside a banner given the same object, when the host passes it ACTIVE, should read Connected and the banner go', async () => {
    const connection = broken('i15a');
    const Page = ({ c }: { c: Connection }) => (
      <>
        <ConnectionStatusBadge connection={c} />
        <ReconnectBanner connection={c} />
      </>
    );
    const { container, rerender } = renderKit(<Page c={connection} />);
    await settle();
    expect(container.querySelector('[data-slot="status-badge"]')).toHaveTextContent('First Test Bank: Needs reconnect');

    rerender(<Page c={{ ...connection, status: 'ACTIVE', statusReason: null }} />);
    await settle();

    expect(container.querySelector('[data-slot="status-badge"]')).toHaveTextContent('First Test Bank: Connected');
    expect(banners()).toHaveLength(0);
  });

  it('given partial data, a refresh, a recovery, then partial data again, should offer Refresh first, not "still missing ... Reconnect"', async () => {
    const { queryClient } = renderKit(<ReconnectBanner connection={partial('i15b')} />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveAttribute('data-state', 'partial-data-persists'));

    push(queryClient, { connectionId: 'i15b', newStatus: 'ACTIVE', newStatusReason: null });
    await waitFor(() => expect(banners()).toHaveLength(0));
    push(queryClient, { connectionId: 'i15b', newStatus: 'PARTIALLY_ACTIVE', newStatusReason: 'PARTIAL_AGGREGATION_SUCCESS' });
    await settle();

    const banner = await screen.findByRole('status');
    expect(banner).toHaveAttribute('data-state', 'partial-data');
    expect(banner).toHaveTextContent('Some of your First Test Bank data did not update.');
    expect(within(banner).getByRole('button', { name: 'Refresh' })).toBeInTheDocument();
    expect(within(banner).queryByRole('button', { name: 'Reconnect' })).toBeNull();
  });
});
