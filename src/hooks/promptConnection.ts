import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { watchConnection } from './cacheWatch.js';
import type { HostApi } from '../core/createHostClient.js';
import type { Connection } from '../core/types.js';
import { cachedEntry, handOverConnection, newerGiven, seedConnection } from './connectionCache.js';
import { connectionQueryOptions } from '../core/queryOptions.js';

export { isPromptDue, isRenewalPromptDue } from '../core/isPromptDue.js';
export type { PromptVariant } from '../core/reconnectMachine.js';

/** The connection as the cache knows it, re-read when its entry changes; no observer, no request. */
function useCachedConnection(queryClient: QueryClient, connectionId: string): Connection | undefined {
  const subscribe = useCallback((listener: () => void) => watchConnection(queryClient, connectionId, listener), [queryClient, connectionId]);
  const read = () => cachedEntry(queryClient, connectionId);
  return useSyncExternalStore(subscribe, read, read);
}

/** What a view given an object shows: the object while newer, else what the kit learned since. */
function useGivenConnection(given: Connection, queryClient: QueryClient): Connection {
  const [first] = useState(given);
  // What the kit knows of a connection it never read: a push to it starts from this.
  useEffect(() => seedConnection(queryClient, first), [queryClient, first]);
  const cached = useCachedConnection(queryClient, given.id);
  const newer = newerGiven(given, first);
  useEffect(() => handOverConnection(queryClient, given, first), [given, first, queryClient]);
  return newer ?? cached ?? given;
}

/** What a view given an id shows: read from the host (shared, cached). */
function useConnectionById(connectionId: string, queryClient: QueryClient, hostApi: HostApi): Connection | undefined {
  return useQuery({ ...connectionQueryOptions(connectionId, { hostApi }), enabled: connectionId !== '' }, queryClient).data;
}

/**
 * The connection a light view (a prompt's root, a badge) shows: read through
 * the kit's cache by id, or the object the host passed. A new object from the
 * host wins at once and replaces what the kit knows (for every view of it);
 * until then pushed changes win over the object first given. Given an object,
 * a view makes no request and holds no query observer. Internal.
 */
export function useKnownConnection(target: string | Connection, queryClient: QueryClient, hostApi: HostApi, given: boolean): Connection | undefined {
  // `given` never changes for a mounted view (the components key their insides on it), so the hooks below keep their order.
  /* eslint-disable react-hooks/rules-of-hooks */
  if (given) return useGivenConnection(target as Connection, queryClient);
  return useConnectionById(target as string, queryClient, hostApi);
  /* eslint-enable react-hooks/rules-of-hooks */
}
