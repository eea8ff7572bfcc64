import { act, fireEvent, renderHook, screen, waitFor } from '@testing-library/react';
import { StrictMode, useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import {
  HostApiError,
  OperationNotAllowedError,
  ReconnectKitProvider,
  reconnectKitKeys,
  useDeleteConnection,
  useRefreshConnection,
  useRepairConnection,
  useUpdateConnectionProducts,
  type Connection,
} from '../../src/index.js';
import { http, HttpResponse } from 'msw';
import { aConnection } from '../helpers/connections.js';
import { BASE, fake, resetFake, server } from '../helpers/hostServer.js';
import { newQueryClient, renderWithKit } from '../helpers/renderWithKit.js';

function wrapperFor(queryClient = newQueryClient()) {
  return {
    queryClient,
    wrapper: ({ children }: { children: React.ReactNode }) => (
      <ReconnectKitProvider baseUrl={BASE} queryClient={queryClient} broadcastChannel={false}>
        {children}
      </ReconnectKitProvider>
    ),
  };
}

function cache(queryClient: ReturnType<typeof newQueryClient>, connection: Connection) {
  queryClient.setQueryData(reconnectKitKeys.detail(connection.id), connection);
}

describe('useRepairConnection', () => {
  function RepairButton({ id }: { id: string }) {
    const repair = useRepairConnection();
    return (
      <button type="button" onClick={() => repair.mutate(id)}>
        {repair.data ? `token ${repair.data.connectToken}` : 'Reconnect'}
      </button>
    );
  }

  it('given a double click, should POST once', async () => {
    resetFake([aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' })]);
    renderWithKit(<RepairButton id="c1" />);
    const button = screen.getByRole('button', { name: 'Reconnect' });
    fireEvent.click(button);
    fireEvent.click(button);
    await screen.findByText('token tok_1');
    expect(fake.count('POST /connections/c1/repair')).toBe(1);
  });

  it('given StrictMode double effects that start a repair, should POST once and share the answer', async () => {
    const answers: string[] = [];
    function AutoRepair() {
      const { mutateAsync } = useRepairConnection();
      useEffect(() => {
        void mutateAsync('c1').then((session) => answers.push(session.connectToken));
      }, [mutateAsync]);
      return null;
    }
    renderWithKit(
      <StrictMode>
        <AutoRepair />
        <AutoRepair />
      </StrictMode>,
    );
    await waitFor(() => expect(answers.length).toBeGreaterThanOrEqual(2));
    expect(fake.count('POST /connections/c1/repair')).toBe(1);
    expect(new Set(answers)).toEqual(new Set(['tok_1']));
  });

  it.each([
    ['EXPIRED', null],
    ['DELETED', null],
    ['IN_PROGRESS', null],
    ['ACTIVE', null],
    ['SUSPENDED_BY_MELD', null],
  ])('given a cached %s connection, should refuse without a request', async (status, statusReason) => {
    const { queryClient, wrapper } = wrapperFor();
    cache(queryClient, aConnection({ id: 'c1', status, statusReason }));
    const { result } = renderHook(() => useRepairConnection(), { wrapper });
    let error: unknown;
    await act(async () => {
      error = await result.current.mutateAsync('c1').catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(OperationNotAllowedError);
    expect(error).toMatchObject({ operation: 'repair', connectionId: 'c1', status, kind: 'status' });
    expect(fake.count('POST /connections/c1/repair')).toBe(0);
  });

  it('given a 409 from the host, should surface a conflict and read the connection again', async () => {
    resetFake([aConnection({ id: 'c1', status: 'EXPIRED' })]);
    server.use(
      http.post(`${BASE}/connections/c1/repair`, () =>
        HttpResponse.json({ code: 'CONNECTION_NOT_REPAIRABLE', message: 'Start a new connection' }, { status: 409 }),
      ),
    );
    const { queryClient, wrapper } = wrapperFor();
    cache(queryClient, aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }));
    const { result } = renderHook(() => useRepairConnection(), { wrapper });
    await act(async () => {
      await result.current.mutateAsync('c1').catch(() => undefined);
    });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(HostApiError));
    expect(result.current.error).toMatchObject({ kind: 'conflict', code: 'CONNECTION_NOT_REPAIRABLE' });
    expect(queryClient.getQueryState(reconnectKitKeys.detail('c1'))?.isInvalidated).toBe(true);
  });
});

describe('useRefreshConnection', () => {
  it('given RECONNECT_REQUIRED (published "refresh: yes"), should refuse without a request', async () => {
    const { queryClient, wrapper } = wrapperFor();
    cache(queryClient, aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }));
    const { result } = renderHook(() => useRefreshConnection(), { wrapper });
    await act(async () => {
      await result.current.mutateAsync('c1').catch(() => undefined);
    });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(OperationNotAllowedError));
    expect(fake.count('POST /connections/c1/refresh')).toBe(0);
  });

  it('given a refreshable connection, should POST once and mark the cache stale without reading', async () => {
    const { queryClient, wrapper } = wrapperFor();
    cache(queryClient, aConnection({ id: 'c1', status: 'PARTIALLY_ACTIVE', statusReason: 'PARTIAL_AGGREGATION_SUCCESS' }));
    const { result } = renderHook(() => useRefreshConnection(), { wrapper });
    await act(async () => {
      await result.current.mutateAsync('c1');
    });
    expect(result.current.data).toEqual({ requestId: 'req_refresh' });
    expect(fake.count('POST /connections/c1/refresh')).toBe(1);
    expect(queryClient.getQueryState(reconnectKitKeys.detail('c1'))?.isInvalidated).toBe(true);
    expect(fake.count('GET /connections/c1')).toBe(0);
  });

  it('given 429, should surface rate-limited with retryAfter', async () => {
    server.use(
      http.post(`${BASE}/connections/c1/refresh`, () =>
        HttpResponse.json({ code: 'TOO_MANY_REFRESHES' }, { status: 429, headers: { 'retry-after': '3600' } }),
      ),
    );
    const { wrapper } = wrapperFor();
    const { result } = renderHook(() => useRefreshConnection(), { wrapper });
    await act(async () => {
      await result.current.mutateAsync('c1').catch(() => undefined);
    });
    await waitFor(() => expect(result.current.error).toMatchObject({ kind: 'rate-limited', retryAfter: 3600 }));
  });
});

describe('useUpdateConnectionProducts', () => {
  it('given DELETED, should refuse without a request; given ACTIVE, should POST the products', async () => {
    const { queryClient, wrapper } = wrapperFor();
    cache(queryClient, aConnection({ id: 'gone', status: 'DELETED' }));
    cache(queryClient, aConnection({ id: 'ok', status: 'ACTIVE' }));
    const { result } = renderHook(() => useUpdateConnectionProducts(), { wrapper });
    await act(async () => {
      await result.current.mutateAsync({ connectionId: 'gone', products: ['OWNERS'] }).catch(() => undefined);
    });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(OperationNotAllowedError));
    await act(async () => {
      await result.current.mutateAsync({ connectionId: 'ok', products: ['OWNERS'] });
    });
    expect(fake.count('POST /connections/gone/update')).toBe(0);
    expect(fake.count('POST /connections/ok/update')).toBe(1);
  });
});

describe('useDeleteConnection', () => {
  function Screen() {
    const remove = useDeleteConnection();
    return (
      <button type="button" onClick={() => remove.mutate('c1')}>
        Delete
      </button>
    );
  }

  it('given success, should drop the connection from lists and mark it DELETED', async () => {
    const queryClient = newQueryClient();
    queryClient.setQueryData(reconnectKitKeys.list(), [aConnection({ id: 'c1' }), aConnection({ id: 'c2' })]);
    cache(queryClient, aConnection({ id: 'c1' }));
    renderWithKit(<Screen />, { queryClient });
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(queryClient.getQueryData<Connection[]>(reconnectKitKeys.list())?.map((c) => c.id)).toEqual(['c2']));
    expect(queryClient.getQueryData<Connection>(reconnectKitKeys.detail('c1'))?.status).toBe('DELETED');
    expect(fake.count('DELETE /connections/c1')).toBe(1);
  });

  it('given 409 (already deleted), should settle as deleted', async () => {
    server.use(http.delete(`${BASE}/connections/c1`, () => HttpResponse.json({ code: 'ALREADY_DELETED' }, { status: 409 })));
    const { queryClient, wrapper } = wrapperFor();
    cache(queryClient, aConnection({ id: 'c1' }));
    const { result } = renderHook(() => useDeleteConnection(), { wrapper });
    await act(async () => {
      await result.current.mutateAsync('c1');
    });
    expect(queryClient.getQueryData<Connection>(reconnectKitKeys.detail('c1'))?.status).toBe('DELETED');
  });

  it('given an already DELETED connection, should refuse without a request', async () => {
    const { queryClient, wrapper } = wrapperFor();
    cache(queryClient, aConnection({ id: 'c1', status: 'DELETED' }));
    const { result } = renderHook(() => useDeleteConnection(), { wrapper });
    await act(async () => {
      await result.current.mutateAsync('c1').catch(() => undefined);
    });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(OperationNotAllowedError));
    expect(fake.count('DELETE /connections/c1')).toBe(0);
  });
});
