import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { ReconnectController } from '../core/createReconnectController.js';
import type { ReconnectSnapshot } from '../core/reconnectMachine.js';
import type { Connection } from '../core/types.js';
import { handOverConnection, newerGiven } from './connectionCache.js';
import { getRegistry, type ReconnectRegistry } from './reconnectRegistry.js';
import type { ReconnectKitContextValue } from './ReconnectKitContext.js';

export interface ConnectionEngine {
  registry: ReconnectRegistry;
  controller: ReconnectController;
  snapshot: ReconnectSnapshot;
  /** The object the host just passed, newer than what the engine has seen (until the next commit hands it over). */
  override: Connection | undefined;
}

/**
 * Subscribes a view to its connection's engine (one per connection, shared).
 * Given an id, the connection is read from the host while the view is mounted;
 * given an object, the object seeds the engine, and a new object from the host
 * replaces what the kit knows, for every view of it. Internal.
 */
export function useConnectionEngine(kit: ReconnectKitContextValue, target: string | Connection): ConnectionEngine {
  const registry = getRegistry(kit.engines);
  const given = typeof target === 'string' ? undefined : target;
  const connectionId = typeof target === 'string' ? target : target.id;
  const controller = registry.controllerFor(connectionId, given);
  const fetch = given === undefined;
  const subscribe = useCallback((listener: () => void) => registry.retain(controller, listener, fetch), [registry, controller, fetch]);
  const snapshot = useSyncExternalStore(subscribe, controller.getSnapshot, controller.getSnapshot);
  const [first] = useState(given);
  const override = newerGiven(given, first);
  const { queryClient } = kit.engines;
  useEffect(() => handOverConnection(queryClient, given, first), [given, first, queryClient]);
  return { registry, controller, snapshot, override };
}
