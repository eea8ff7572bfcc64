import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse, delay } from 'msw';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ReconnectKitProvider,
  applyStatusChange,
  connectionQueryOptions,
  bindHostApi,
  createHostClient,
  reconnectKitKeys,
  useConnection,
  useConnections,
  type Connection,
} from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, fake, resetFake, server } from '../helpers/hostServer.js';
import { newQueryClient, renderWithKit } from '../helpers/renderWithKit.js';

function Status({ id }: { id: string }) {
  const { data, error } = useConnection(id);
  if (error) return <p>error: {error.kind}</p>;
  return <p>{data ? `${data.id}: ${data.status}/${data.statusReason ?? '-'}` : 'loading'}</p>;
}

function List() {
  const { data } = useConnections();
  return <ul>{data?.map((c) => <li key={c.id}>{`${c.id} ${c.status}`}</li>)}</ul>;
}

afterEach(() => vi.restoreAllMocks());

describe('useConnection / useConnections', () => {
  it('given 25 components watching one connection, should make one request', async () => {
    resetFake([aConnection({ id: 'c1' })]);
    renderWithKit(
      <>
        {Array.from({ length: 25 }, (_, i) => (
          <Status key={i} id="c1" />
        ))}
      </>,
    );
    await waitFor(() => expect(screen.getAllByText('c1: ACTIVE/-')).toHaveLength(25));
    expect(fake.count('GET /connections/c1')).toBe(1);
  });

  it('given the list is loaded, should serve single connections from it without a request', async () => {
    resetFake([aConnection({ id: 'c1' }), aConnection({ id: 'c2', status: 'DEGRADED', statusReason: 'INTERACTIVE_REFRESH' })]);
    const { rerender } = renderWithKit(<List />);
    await screen.findByText('c2 DEGRADED');
    rerender(
      <>
        <List />
        <Status id="c1" />
        <Status id="c2" />
      </>,
    );
    expect(screen.getByText('c2: DEGRADED/INTERACTIVE_REFRESH')).toBeInTheDocument();
    expect(fake.count('GET /connections')).toBe(1);
    expect(fake.count('GET /connections/c1') + fake.count('GET /connections/c2')).toBe(0);
  });

  it('given a 404, should show a typed not-found error after one request (no retry)', async () => {
    renderWithKit(<Status id="gone" />);
    await screen.findByText('error: not-found');
    expect(fake.count('GET /connections/gone')).toBe(1);
  });

  it('given a pushed status change, should update the screen with no request', async () => {
    resetFake([aConnection({ id: 'c1', status: 'ACTIVE' })]);
    const { queryClient } = renderWithKit(
      <>
        <Status id="c1" />
        <List />
      </>,
    );
    await screen.findByText('c1: ACTIVE/-');
    await screen.findByText('c1 ACTIVE');
    const requests = fake.count('GET /connections/c1') + fake.count('GET /connections');

    act(() => {
      applyStatusChange(queryClient, {
        eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
        eventId: 'evt_1',
        timestamp: '2026-11-21T10:00:00Z',
        payload: { connectionId: 'c1', oldStatus: 'ACTIVE', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' },
      });
    });
    // TanStack batches notifications to the next tick, so wait for the screen.
    await screen.findByText('c1: RECONNECT_REQUIRED/LOGIN_REQUIRED');
    await screen.findByText('c1 RECONNECT_REQUIRED');
    expect(fake.count('GET /connections/c1') + fake.count('GET /connections')).toBe(requests);
  });

  it('given the component unmounts mid-request, should abort it without a React warning', async () => {
    let aborted = false;
    server.use(
      http.get(`${BASE}/connections/slow`, async ({ request }) => {
        request.signal.addEventListener('abort', () => {
          aborted = true;
        });
        await delay(5_000);
        return HttpResponse.json(aConnection({ id: 'slow' }));
      }),
    );
    const consoleError = vi.spyOn(console, 'error');
    const { unmount } = renderWithKit(<Status id="slow" />);
    await delay(30);
    unmount();
    await waitFor(() => expect(aborted).toBe(true));
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('given StrictMode, should still make one request', async () => {
    resetFake([aConnection({ id: 'c1' })]);
    renderWithKit(
      <StrictMode>
        <Status id="c1" />
        <Status id="c1" />
      </StrictMode>,
    );
    await screen.findAllByText('c1: ACTIVE/-');
    // React 18 too: its development-only unmount and remount used to cancel the first read in flight;
    // the provider's client now loads with its first call, so the read starts after the remount.
    expect(fake.count('GET /connections/c1')).toBe(1);
  });
});

describe('ReconnectKitProvider', () => {
  it('given a hook outside the provider, should throw an error that names the fix', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<Status id="c1" />)).toThrow(/`useConnection` must be used inside <ReconnectKitProvider>/);
  });

  it('given neither hostApi nor baseUrl, should say which prop is missing', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    // @ts-expect-error: the props require one of the two
    expect(() => render(<ReconnectKitProvider><p /></ReconnectKitProvider>)).toThrow(/needs either a `hostApi` or a `baseUrl`/);
  });

  it('given a QueryClient already in context, should use it', async () => {
    resetFake([aConnection({ id: 'c1' })]);
    const queryClient = newQueryClient();
    render(
      <QueryClientProvider client={queryClient}>
        <ReconnectKitProvider baseUrl={BASE} broadcastChannel={false}>
          <Status id="c1" />
        </ReconnectKitProvider>
      </QueryClientProvider>,
    );
    await screen.findByText('c1: ACTIVE/-');
    expect(queryClient.getQueryData(reconnectKitKeys.detail('c1'))).toMatchObject({ id: 'c1' });
  });

  it('given a custom hostApi, should call it instead of HTTP', async () => {
    const hostApi = {
      ...createHostClient({ baseUrl: BASE }),
      getConnection: vi.fn(async (id: string) => aConnection({ id, status: 'EXPIRED' })),
    };
    render(
      <ReconnectKitProvider hostApi={hostApi} broadcastChannel={false}>
        <Status id="g1" />
      </ReconnectKitProvider>,
    );
    await screen.findByText('g1: EXPIRED/-');
    expect(hostApi.getConnection).toHaveBeenCalledWith('g1', expect.objectContaining({ signal: expect.any(AbortSignal) }));
    expect(fake.count('GET /connections/g1')).toBe(0);
  });
});

describe('query options outside React', () => {
  it('given bindHostApi, should prefetch with connectionQueryOptions(id)', async () => {
    resetFake([aConnection({ id: 'c9', status: 'UNDETERMINED', statusReason: 'INTERNAL_ERROR' })]);
    const queryClient = new QueryClient();
    bindHostApi(queryClient, createHostClient({ baseUrl: BASE }));
    const connection = await queryClient.fetchQuery(connectionQueryOptions('c9'));
    expect(connection.status).toBe('UNDETERMINED');
    expect(connectionQueryOptions('c9').queryKey).toEqual(['meld-reconnect-kit', 'connections', 'detail', 'c9']);
  });

  it('given no bound host API, should say how to provide one', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    await expect(queryClient.fetchQuery(connectionQueryOptions('c9'))).rejects.toThrow(/bindHostApi/);
  });
});

describe('applyStatusChange', () => {
  function seeded() {
    const queryClient = newQueryClient();
    const c1 = aConnection({ id: 'c1', status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: 'Approve access in your bank app.' });
    const c2 = aConnection({ id: 'c2' });
    queryClient.setQueryData(reconnectKitKeys.detail('c1'), c1);
    queryClient.setQueryData(reconnectKitKeys.list(), [c1, c2]);
    const detail = () => queryClient.getQueryData<Connection>(reconnectKitKeys.detail('c1'));
    const list = () => queryClient.getQueryData<Connection[]>(reconnectKitKeys.list());
    return { queryClient, detail, list };
  }

  it('given a bare payload, should update the connection and the list, and clear a stale institution message', () => {
    const { queryClient, detail, list } = seeded();
    expect(applyStatusChange(queryClient, { connectionId: 'c1', newStatus: 'ACTIVE', newStatusReason: null })).toBe(true);
    expect(detail()).toMatchObject({ status: 'ACTIVE', statusReason: null });
    expect(detail()?.institutionMessage).toBeUndefined();
    expect(list()?.[0]).toMatchObject({ status: 'ACTIVE' });
    expect(list()?.[1]).toMatchObject({ id: 'c2', status: 'ACTIVE' });
  });

  it('should keep activeDuplicateConnectionId and a new institution message as text', () => {
    const { queryClient, detail } = seeded();
    applyStatusChange(queryClient, {
      connectionId: 'c1',
      newStatus: 'DEGRADED',
      newStatusReason: 'INSTITUTION_ACTION_REQUIRED',
      institutionMessage: '<img src=x onerror=alert(1)> Open your bank app',
      activeDuplicateConnectionId: 'c7',
    });
    expect(detail()).toMatchObject({
      institutionMessage: '<img src=x onerror=alert(1)> Open your bank app',
      activeDuplicateConnectionId: 'c7',
    });
  });

  it('given the same eventId twice, should apply it once', () => {
    const { queryClient, detail } = seeded();
    const event = { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: 'e1', payload: { connectionId: 'c1', newStatus: 'ACTIVE' } };
    expect(applyStatusChange(queryClient, event)).toBe(true);
    queryClient.setQueryData(reconnectKitKeys.detail('c1'), { ...detail(), status: 'RECONNECT_REQUIRED' });
    expect(applyStatusChange(queryClient, event)).toBe(false);
    expect(detail()?.status).toBe('RECONNECT_REQUIRED');
  });

  it('given an event older than the last one applied, should ignore it', () => {
    const { queryClient, detail } = seeded();
    const at = (timestamp: string, newStatus: string) => ({
      eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
      timestamp,
      payload: { connectionId: 'c1', newStatus },
    });
    applyStatusChange(queryClient, at('2026-11-21T10:00:05Z', 'ACTIVE'));
    expect(applyStatusChange(queryClient, at('2026-11-21T10:00:01Z', 'RECONNECT_REQUIRED'))).toBe(false);
    expect(detail()?.status).toBe('ACTIVE');
  });

  it('given a deletion, should mark the connection DELETED and drop it from lists', () => {
    const { queryClient, detail, list } = seeded();
    applyStatusChange(queryClient, { eventType: 'BANK_LINKING_CONNECTION_DELETED', payload: { connectionId: 'c1' } });
    expect(detail()?.status).toBe('DELETED');
    expect(list()?.map((c) => c.id)).toEqual(['c2']);
  });

  it('given a connection the list has not seen, should read the list again', async () => {
    resetFake([aConnection({ id: 'c1' }), aConnection({ id: 'c3' })]);
    const queryClient = newQueryClient();
    renderWithKit(<List />, { queryClient });
    await screen.findByText('c3 ACTIVE');
    fake.connections.set('c4', aConnection({ id: 'c4' }));
    act(() => {
      applyStatusChange(queryClient, { connectionId: 'c4', newStatus: 'ACTIVE' });
    });
    await screen.findByText('c4 ACTIVE');
    expect(fake.count('GET /connections')).toBe(2);
  });

  it.each([
    ['null', null],
    ['a string', 'ACTIVE'],
    ['no connectionId', { newStatus: 'ACTIVE' }],
    ['no status', { connectionId: 'c1' }],
    ['a numeric reason', { connectionId: 'c1', newStatus: 'ACTIVE', newStatusReason: 5 }],
    ['a huge status', { connectionId: 'c1', newStatus: 'A'.repeat(10_000) }],
    ['an envelope without payload', { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE' }],
  ])('given %s, should ignore it and change nothing', (_label, input) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { queryClient, detail } = seeded();
    const before = detail();
    expect(applyStatusChange(queryClient, input)).toBe(false);
    expect(detail()).toBe(before);
  });

  it('given another webhook type, or one with nothing to apply, should ignore it without a warning', () => {
    const warn = vi.spyOn(console, 'warn');
    const { queryClient, detail } = seeded();
    const before = detail();
    expect(applyStatusChange(queryClient, { eventType: 'BANK_LINKING_ACCOUNTS_UPDATING', payload: { connectionId: 'c1' } })).toBe(false);
    expect(applyStatusChange(queryClient, { eventType: 'BANK_LINKING_TRANSACTIONS_AGGREGATED', payload: { connectionId: 'c1' } })).toBe(false);
    // Meld's own CUSTOMER_ACTION_REQUIRED names no status (the server helper adds it).
    expect(applyStatusChange(queryClient, { eventType: 'BANK_LINKING_CUSTOMER_ACTION_REQUIRED', payload: { connectionId: 'c1' } })).toBe(false);
    expect(detail()).toBe(before);
    expect(warn).not.toHaveBeenCalled();
  });

  it('given ACCOUNTS_UPDATED or TRANSACTIONS_AGGREGATED, should move only "last updated", and only forwards', () => {
    const { queryClient, detail, list } = seeded();
    const fresh = (eventType: string, eventId: string, at: string) => ({ eventType, eventId, timestamp: at, payload: { connectionId: 'c1', successfullyAggregatedAt: at } });
    expect(applyStatusChange(queryClient, fresh('BANK_LINKING_ACCOUNTS_UPDATED', 'f1', '2030-01-02T00:00:00Z'))).toBe(true);
    expect(detail()).toMatchObject({ status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: 'Approve access in your bank app.', successfullyAggregatedAt: '2030-01-02T00:00:00Z' });
    expect(list()?.[0]?.successfullyAggregatedAt).toBe('2030-01-02T00:00:00Z');
    // An older date does not move it back.
    applyStatusChange(queryClient, fresh('BANK_LINKING_TRANSACTIONS_AGGREGATED', 'f2', '2030-01-01T00:00:00Z'));
    expect(detail()?.successfullyAggregatedAt).toBe('2030-01-02T00:00:00Z');
    // A freshness event never hides a status change that arrives after it with an earlier timestamp.
    const change = { eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE', eventId: 's1', timestamp: '2030-01-01T12:00:00Z', payload: { connectionId: 'c1', newStatus: 'ACTIVE', newStatusReason: null } };
    expect(applyStatusChange(queryClient, change)).toBe(true);
    expect(detail()).toMatchObject({ status: 'ACTIVE', successfullyAggregatedAt: '2030-01-02T00:00:00Z' });
  });

  it.each(['BANK_LINKING_CUSTOMER_ACTION_REQUIRED', 'BANK_LINKING_NEW_ACCOUNTS_AVAILABLE'])(
    'given %s as the server helper pushes it (the connection re-read), should apply its status',
    (eventType) => {
      const { queryClient, detail } = seeded();
      applyStatusChange(queryClient, { eventType, eventId: `x_${eventType}`, payload: { connectionId: 'c1', newStatus: 'CUSTOMER_ACTION_REQUIRED', newStatusReason: null, successfullyAggregatedAt: '2030-01-03T00:00:00Z' } });
      expect(detail()).toMatchObject({ status: 'CUSTOMER_ACTION_REQUIRED', statusReason: null, successfullyAggregatedAt: '2030-01-03T00:00:00Z' });
      expect(detail()?.institutionMessage).toBeUndefined();
    },
  );
});
