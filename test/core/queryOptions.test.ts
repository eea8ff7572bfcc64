// The query options live in core: plain objects, so a Server Component or a router loader can
// prefetch with them without React. The root entry exports the very same functions.
import { dehydrate, hydrate, QueryClient } from '@tanstack/query-core';
import { describe, expect, it, vi } from 'vitest';
import * as core from '../../src/core/index.js';
import * as root from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';

const { bindHostApi, connectionQueryOptions, connectionsQueryOptions, HostApiError, reconnectKitKeys } = core;

function hostApiWith(connections = [aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }), aConnection({ id: 'c2' })]) {
  return {
    listConnections: vi.fn(async () => connections),
    getConnection: vi.fn(async (id: string) => connections.find((c) => c.id === id) ?? Promise.reject(new HostApiError({ kind: 'not-found', message: id }))),
    repairConnection: vi.fn(),
    refreshConnection: vi.fn(),
    updateConnectionProducts: vi.fn(),
    deleteConnection: vi.fn(),
  } as unknown as core.HostApi;
}

describe('query options from meld-reconnect-kit/core', () => {
  it('should be the functions the root entry exports', () => {
    expect(root.connectionQueryOptions).toBe(core.connectionQueryOptions);
    expect(root.connectionsQueryOptions).toBe(core.connectionsQueryOptions);
    expect(root.bindHostApi).toBe(core.bindHostApi);
  });

  it('should be plain objects keyed under the kit\'s namespace', () => {
    const list = connectionsQueryOptions();
    expect(list.queryKey).toEqual(reconnectKitKeys.list());
    expect(connectionQueryOptions('c1').queryKey).toEqual(reconnectKitKeys.detail('c1'));
    expect(Object.getPrototypeOf(list)).toBe(Object.prototype);
    expect(list).toMatchObject({ staleTime: 15_000, refetchOnWindowFocus: true });
  });

  it('given a host API, when a server prefetches the list, should seed each connection and survive dehydrate/hydrate', async () => {
    const hostApi = hostApiWith();
    const server = new QueryClient();
    await server.prefetchQuery(connectionsQueryOptions({ hostApi }));
    expect(server.getQueryData(connectionQueryOptions('c1').queryKey)?.status).toBe('RECONNECT_REQUIRED');
    const browser = new QueryClient();
    hydrate(browser, JSON.parse(JSON.stringify(dehydrate(server))));
    expect(browser.getQueryData(connectionsQueryOptions().queryKey)?.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(browser.getQueryData(reconnectKitKeys.detail('c2'))).toMatchObject({ id: 'c2', status: 'ACTIVE' });
    expect(hostApi.listConnections).toHaveBeenCalledTimes(1);
  });

  it('given bindHostApi, should fetch through the bound host API; an explicit one wins', async () => {
    const bound = hostApiWith();
    const explicit = hostApiWith([aConnection({ id: 'c1', status: 'EXPIRED', statusReason: null })]);
    const client = new QueryClient();
    bindHostApi(client, bound);
    await expect(client.fetchQuery(connectionQueryOptions('c1'))).resolves.toMatchObject({ status: 'RECONNECT_REQUIRED' });
    await expect(new QueryClient().fetchQuery(connectionQueryOptions('c1', { hostApi: explicit }))).resolves.toMatchObject({ status: 'EXPIRED' });
    expect(explicit.getConnection).toHaveBeenCalledWith('c1', expect.objectContaining({ signal: expect.any(AbortSignal) }));
  });

  it('given neither, should say how to provide a host API', async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    await expect(client.fetchQuery(connectionsQueryOptions())).rejects.toThrow(/bindHostApi\(queryClient, hostApi\), or pass \{ hostApi \}/);
  });

  it('should retry only what may pass, twice at most', () => {
    const { retry } = connectionQueryOptions('c1');
    expect(retry(0, new HostApiError({ kind: 'network', message: 'offline' }))).toBe(true);
    expect(retry(2, new HostApiError({ kind: 'server', message: '500' }))).toBe(false);
    expect(retry(0, new HostApiError({ kind: 'not-found', message: '404' }))).toBe(false);
  });
});
