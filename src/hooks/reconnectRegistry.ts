import { QueryObserver, type QueryClient } from '@tanstack/react-query';
import { createReconnectController, type ReconnectController } from '../core/createReconnectController.js';
import type { PromptState } from '../core/promptStates.js';
import { PROMPT_STATE_INFO, PROMPT_STATES } from '../core/promptStates.js';
import type { Connection } from '../core/types.js';
import { cachedConnection, cachedEntry } from './connectionCache.js';
import { watchConnection } from './cacheWatch.js';
import { createEnginePorts, dismissalKey, type EngineSettings } from './enginePorts.js';
import { getKitState } from './kitState.js';
import type { EngineHolder, VerificationSettings } from './ReconnectKitContext.js';
import type { ReconnectKitEvent } from '../core/analytics.js';
import { connectionQueryOptions } from '../core/queryOptions.js';

/** Time a controller with no views waits before it is disposed (StrictMode remounts at once). */
const RELEASE_DELAY_MS = 0;

interface Entry {
  controller: ReconnectController;
  refs: number;
  fetchers: number;
  observer: { unsubscribe: () => void } | undefined;
  release: ReturnType<typeof setTimeout> | undefined;
  unwatch: (() => void) | undefined;
}

/**
 * The reconnect engines of one provider: one controller per connection,
 * shared by every view of it, fed from the query cache (pushes, reads and the
 * host's own objects), disposed shortly after its last view unmounts. Internal.
 */
export interface ReconnectRegistry {
  /** The controller for a connection, if one is alive. */
  peek(connectionId: string): ReconnectController | undefined;
  /** The controller for a connection, created (seeded with `seed` or the cache) if needed. */
  controllerFor(connectionId: string, seed?: Connection): ReconnectController;
  /** Subscribes a view; with `fetch`, the connection is read from the host while any such view is mounted. */
  retain(controller: ReconnectController, listener: () => void, fetch: boolean): () => void;
  /** Funnel events of one connection (a flow hook's own `onEvent`). */
  onEvent(connectionId: string, listener: (event: ReconnectKitEvent) => void): () => void;
  /** Verification limits for one connection's flows (a flow hook's own), or none for the provider's. */
  setVerification(connectionId: string, verification: VerificationSettings | undefined): void;
}


function loadDismissals(settings: EngineSettings, connectionId: string) {
  const { dismissed: session } = getKitState(settings.queryClient);
  const dismissed: PromptState[] = [];
  const snoozed: Partial<Record<PromptState, number>> = {};
  for (const state of PROMPT_STATES) {
    const info = PROMPT_STATE_INFO[state];
    if (!info.dismissible) continue;
    const key = dismissalKey(connectionId, state);
    if (session.has(key)) dismissed.push(state);
    else if (info.soft && settings.dismissStorage) {
      try {
        const until = Number(settings.dismissStorage.getItem(key));
        if (Number.isFinite(until) && until > 0) snoozed[state] = until;
      } catch {
        // storage denied: nothing stored
      }
    }
  }
  return { dismissed, snoozed };
}

/** The provider's registry, created on first use. */
export function getRegistry(holder: EngineHolder): ReconnectRegistry {
  holder.registry ??= createReconnectRegistry(holder);
  return holder.registry as ReconnectRegistry;
}

function createReconnectRegistry(holder: EngineHolder): ReconnectRegistry {
  const { settings } = holder;
  const entries = new Map<string, Entry>();
  const eventListeners = new Map<string, Set<(event: ReconnectKitEvent) => void>>();
  const verifications = new Map<string, VerificationSettings>();
  const ports = createEnginePorts(settings, {
    emit(event) {
      for (const listener of [...(eventListeners.get(event.connectionId) ?? [])]) listener(event);
    },
    verification: (connectionId) => verifications.get(connectionId),
  });
  let stopSeeds: (() => void) | undefined;

  const client = (): QueryClient => holder.queryClient;

  function onSeed(connection: Connection): void {
    entries.get(connection.id)?.controller.setConnection(connection);
  }

  /** While an engine has views, it follows its connection's cache entries (and objects from the host). */
  function watch(entry: Entry): void {
    if (entry.unwatch) return;
    const { controller } = entry;
    const { connectionId } = controller;
    const qc = client();
    const sync = () => controller.setConnection(cachedEntry(qc, connectionId) ?? controller.getSnapshot().connection);
    entry.unwatch = watchConnection(qc, connectionId, sync);
    sync(); // what changed between the render that made it and now
    if (!stopSeeds) {
      const { seedListeners } = getKitState(qc);
      seedListeners.add(onSeed);
      stopSeeds = () => seedListeners.delete(onSeed);
    }
  }

  function dispose(connectionId: string, entry: Entry): void {
    entries.delete(connectionId);
    entry.unwatch?.();
    entry.observer?.unsubscribe();
    entry.controller.dispose();
    if (entries.size === 0) {
      stopSeeds?.();
      stopSeeds = undefined;
    }
  }

  return {
    peek: (connectionId) => entries.get(connectionId)?.controller,
    controllerFor(connectionId, seed) {
      const existing = entries.get(connectionId);
      if (existing) return existing.controller;
      const kit = getKitState(client());
      if (seed) kit.seeds.set(connectionId, seed);
      const controller = createReconnectController(connectionId, ports, {
        connection: cachedConnection(client(), connectionId) ?? seed,
        defaultMode: () => settings.current.widget.mode ?? 'dialog',
        ...loadDismissals(settings.current, connectionId),
      });
      entries.set(connectionId, { controller, refs: 0, fetchers: 0, observer: undefined, release: undefined, unwatch: undefined });
      return controller;
    },
    retain(controller, listener, fetch) {
      const { connectionId } = controller;
      let entry = entries.get(connectionId);
      if (!entry || entry.controller !== controller) {
        // Disposed meanwhile (a render that never committed, a long suspend): take it back.
        entry = { controller, refs: 0, fetchers: 0, observer: undefined, release: undefined, unwatch: undefined };
        entries.set(connectionId, entry);
      }
      const current = entry;
      watch(current);
      clearTimeout(current.release);
      current.release = undefined;
      current.refs += 1;
      if (fetch) {
        current.fetchers += 1;
        if (!current.observer) {
          const observer = new QueryObserver(client(), connectionQueryOptions(connectionId, { hostApi: settings.current.hostApi }));
          current.observer = { unsubscribe: observer.subscribe(() => {}) };
        }
      }
      const unsubscribe = controller.subscribe(listener);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        unsubscribe();
        current.refs -= 1;
        if (fetch) {
          current.fetchers -= 1;
          if (current.fetchers === 0) {
            current.observer?.unsubscribe();
            current.observer = undefined;
          }
        }
        if (current.refs === 0) {
          // The last view is gone. A widget on screen (or its popup being prepared) closes now;
          // anything else waits a moment to be taken back, as StrictMode's remount does at once.
          const { status } = controller.getSnapshot().flow;
          if (status === 'requesting' || status === 'widget-open') return dispose(connectionId, current);
          current.release = setTimeout(() => {
            if (current.refs === 0 && entries.get(connectionId) === current) dispose(connectionId, current);
          }, RELEASE_DELAY_MS);
        }
      };
    },
    onEvent(connectionId, listener) {
      let set = eventListeners.get(connectionId);
      if (!set) eventListeners.set(connectionId, (set = new Set()));
      const listeners = set;
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) eventListeners.delete(connectionId);
      };
    },
    setVerification(connectionId, verification) {
      if (verification) verifications.set(connectionId, verification);
      else verifications.delete(connectionId);
    },
  };
}
