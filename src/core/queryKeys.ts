/**
 * Query keys for the kit's TanStack Query cache. Every key starts with
 * `'meld-reconnect-kit'`, so a host's own `invalidateQueries` never collides.
 *
 * @example
 * queryClient.invalidateQueries({ queryKey: reconnectKitKeys.all });
 */
export const reconnectKitKeys = {
  all: ['meld-reconnect-kit'] as const,
  connections: () => [...reconnectKitKeys.all, 'connections'] as const,
  list: () => [...reconnectKitKeys.connections(), 'list'] as const,
  detail: (connectionId: string) => [...reconnectKitKeys.connections(), 'detail', connectionId] as const,
  /**
   * The mutation key of the refresh for that connection (a mutation key, not a
   * query key: nothing is cached under it). Count or watch a running refresh with
   * it, e.g. `useIsMutating({ mutationKey: reconnectKitKeys.refresh(connectionId) })`.
   */
  refresh: (connectionId: string) => [...reconnectKitKeys.all, 'refresh', connectionId] as const,
};
