import type { QueryCacheNotifyEvent, QueryClient } from '@tanstack/react-query';
import { reconnectKitKeys } from '../core/queryKeys.js';

type Listener = () => void;

interface Watch {
  byId: Map<string, Set<Listener>>;
  stop: () => void;
}

const watches = new WeakMap<QueryClient, Watch>();

function notify(set: Set<Listener> | undefined): void {
  if (set) for (const listener of [...set]) listener();
}

/**
 * Calls `listener` whenever the kit's cache entry for a connection changes
 * (its own entry or the list). One query-cache subscription per client serves
 * every watcher, so a page of a thousand prompts adds a thousand map entries,
 * not a thousand observers. Internal.
 */
export function watchConnection(client: QueryClient, connectionId: string, listener: Listener): () => void {
  let watch = watches.get(client);
  if (!watch) {
    const byId = new Map<string, Set<Listener>>();
    const stop = client.getQueryCache().subscribe((event: QueryCacheNotifyEvent) => {
      if (event.type !== 'added' && event.type !== 'updated' && event.type !== 'removed') return;
      const [ns, group, kind, id] = event.query.queryKey as readonly unknown[];
      if (ns !== reconnectKitKeys.all[0] || group !== 'connections') return;
      if (kind === 'detail' && typeof id === 'string') notify(byId.get(id));
      else if (kind === 'list') for (const set of [...byId.values()]) notify(set);
    });
    watch = { byId, stop };
    watches.set(client, watch);
  }
  const { byId } = watch;
  let set = byId.get(connectionId);
  if (!set) byId.set(connectionId, (set = new Set()));
  const listeners = set;
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    byId.delete(connectionId);
    const current = watches.get(client);
    if (current && current.byId.size === 0) {
      current.stop();
      watches.delete(client);
    }
  };
}
