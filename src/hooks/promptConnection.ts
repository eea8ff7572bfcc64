import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { HostApi } from '../core/createHostClient.js';
import type { Connection } from '../core/types.js';
import { handOverConnection, newerGiven, seedConnection } from './connectionCache.js';
import { connectionQueryOptions } from './queryOptions.js';

export { isPromptDue } from '../core/isPromptDue.js';
export type { PromptVariant } from '../core/reconnectMachine.js';

/**
 * The connection a light view (a prompt's root, a badge) shows: read through
 * the kit's cache by id, or the object the host passed. A new object from the
 * host wins at once and replaces what the kit knows (for every view of it);
 * until then pushed changes win over the object first given. Internal.
 */
export function useKnownConnection(target: string | Connection, queryClient: QueryClient, hostApi: HostApi): Connection | undefined {
  const given = typeof target === 'string' ? undefined : target;
  const connectionId = typeof target === 'string' ? target : target.id;
  const query = useQuery({ ...connectionQueryOptions(connectionId, { hostApi }), enabled: !given && connectionId !== '' }, queryClient);
  const [first] = useState(given);
  // What the kit knows of a connection it never read: a push to it starts from this.
  useEffect(() => seedConnection(queryClient, first), [queryClient, first]);
  const newer = newerGiven(given, first);
  useEffect(() => handOverConnection(queryClient, given, first), [given, first, queryClient]);
  return newer ?? query.data ?? given;
}
