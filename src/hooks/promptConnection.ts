import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { PromptKind } from '../core/statuses.js';
import type { Connection } from '../core/types.js';
import { connectionQueryOptions } from './queryOptions.js';

/** Which prompts a component shows: `banner` (all but new accounts) or `new-accounts` (only those). */
export type PromptVariant = 'banner' | 'new-accounts';

/**
 * The connection a prompt is about: read through the kit's cache by id, or
 * the object the host passed (which seeds the cache, so pushed changes reach it).
 */
export function usePromptConnection(target: string | Connection, queryClient: QueryClient): Connection | undefined {
  const given = typeof target === 'string' ? undefined : target;
  const connectionId = typeof target === 'string' ? target : target.id;
  const query = useQuery({ ...connectionQueryOptions(connectionId), enabled: !given }, queryClient);
  useEffect(() => {
    if (given && !queryClient.getQueryData(reconnectKitKeys.detail(given.id))) {
      queryClient.setQueryData(reconnectKitKeys.detail(given.id), given);
    }
  }, [given, queryClient]);
  return query.data ?? given;
}

/** Whether the status table asks this kind of prompt to show anything (before dismissals and flows). */
export function isPromptDue(prompt: PromptKind, variant: PromptVariant, showOutages: boolean | undefined): boolean {
  if (prompt === 'none' || prompt === 'in-progress' || prompt === 'unknown') return false;
  if (variant === 'new-accounts') return prompt === 'new-accounts';
  return prompt !== 'new-accounts' && (prompt !== 'temporary-outage' || Boolean(showOutages));
}
