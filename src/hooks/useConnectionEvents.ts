import type { QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { warnOnce } from '../core/dev.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import { applyStatusChange } from './applyStatusChange.js';
import { getKitState, type ConnectionEventsState, type SharedStream } from './kitState.js';
import { useReconnectKit } from './ReconnectKitContext.js';

export type { ConnectionEventsState };

export interface UseConnectionEventsOptions {
  /** The host's `/events` URL. Defaults to `{baseUrl}/events` of the provider's client. */
  url?: string | undefined;
  /** Set to `false` to close the stream. Defaults to `true`. */
  enabled?: boolean | undefined;
  /** Send cookies to a cross-origin stream. */
  withCredentials?: boolean | undefined;
}

export interface UseConnectionEventsResult {
  state: ConnectionEventsState;
}

const MAX_BACKOFF_MS = 30_000;

function withParam(url: string, name: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}

function openStream(client: QueryClient, url: string, withCredentials: boolean, stream: SharedStream): () => void {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let opened = false;
  let stopped = false;
  let lastEventId: string | undefined;

  const setState = (state: ConnectionEventsState) => {
    stream.state = state;
    for (const listener of stream.listeners) listener(state);
  };

  const onEvent = (event: MessageEvent<string>) => {
    if (event.lastEventId) lastEventId = event.lastEventId;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      warnOnce(() => ['events:not-json', `useConnectionEvents ignored an event from ${url} whose data is not JSON.`]);
      return;
    }
    applyStatusChange(client, data, { eventId: event.lastEventId || undefined });
  };

  const connect = () => {
    // A fresh EventSource cannot send Last-Event-ID, so the id travels as a query parameter.
    source = new EventSource(lastEventId ? withParam(url, 'lastEventId', lastEventId) : url, { withCredentials });
    setState(opened ? 'reconnecting' : 'connecting');
    source.onopen = () => {
      attempt = 0;
      // Changes may have been missed while the stream was down: read watched connections again.
      if (opened) void client.invalidateQueries({ queryKey: reconnectKitKeys.connections() });
      opened = true;
      setState('open');
    };
    source.onmessage = onEvent;
    source.addEventListener('status_change', onEvent as EventListener);
    source.onerror = () => {
      if (stopped || !source) return;
      if (source.readyState !== EventSource.CLOSED) {
        setState('reconnecting'); // the browser retries by itself
        return;
      }
      // The browser gave up (HTTP error, wrong type): retry with capped, jittered backoff.
      source.close();
      setState('reconnecting');
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() / 4);
      attempt += 1;
      timer = setTimeout(connect, delay);
    };
  };

  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}

function startSharedStream(client: QueryClient, url: string, withCredentials: boolean, key: string): SharedStream {
  const stream: SharedStream = { refs: 0, state: 'connecting', listeners: new Set(), stop: () => {} };
  getKitState(client).streams.set(key, stream);
  stream.stop = openStream(client, url, withCredentials, stream);
  return stream;
}

/** Joins the shared stream for `url` on this client; the last one out closes it. */
function acquireStream(
  client: QueryClient,
  url: string,
  withCredentials: boolean,
  listener: (state: ConnectionEventsState) => void,
): () => void {
  const { streams } = getKitState(client);
  const key = `${withCredentials ? 'cred' : 'anon'} ${url}`;
  const stream = streams.get(key) ?? startSharedStream(client, url, withCredentials, key);
  stream.refs += 1;
  stream.listeners.add(listener);
  listener(stream.state);
  return () => {
    stream.listeners.delete(listener);
    stream.refs -= 1;
    if (stream.refs === 0) {
      stream.stop();
      streams.delete(key);
    }
  };
}

/**
 * Subscribes to the host's live status stream (`GET {base}/events`,
 * Server-Sent Events) and applies each status change to the cache, so
 * prompts appear and clear with no reload and no polling. Every component
 * using it on one URL shares one connection; it reconnects with capped
 * backoff (re-reading watched connections after a gap) and closes when the
 * last one unmounts.
 *
 * `state` is `connecting` (or `idle` when disabled) in the server's HTML and
 * while hydrating, so both render the same; the browser's own state follows.
 */
export function useConnectionEvents(options: UseConnectionEventsOptions = {}): UseConnectionEventsResult {
  const { hostApi, queryClient } = useReconnectKit('useConnectionEvents');
  const url = options.url ?? hostApi.eventsUrl;
  const enabled = options.enabled ?? true;
  const withCredentials = options.withCredentials ?? false;
  const key = `${withCredentials ? 'cred' : 'anon'} ${url}`;

  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!enabled || !url || typeof EventSource === 'undefined') return () => {};
      return acquireStream(queryClient, url, withCredentials, onChange);
    },
    [queryClient, url, enabled, withCredentials],
  );
  const state = useSyncExternalStore(
    subscribe,
    (): ConnectionEventsState => {
      if (!enabled) return 'idle';
      if (typeof EventSource === 'undefined' || !url) return 'unsupported';
      return getKitState(queryClient).streams.get(key)?.state ?? 'connecting';
    },
    // The server cannot open a stream, and must not say so: the client's first render says the same.
    (): ConnectionEventsState => (enabled ? 'connecting' : 'idle'),
  );

  useEffect(() => {
    if (state !== 'unsupported') return;
    warnOnce(() => [
      'events:unsupported',
      url
        ? 'useConnectionEvents: this environment has no EventSource; status changes arrive on mount and focus only.'
        : 'useConnectionEvents: no events URL. Pass { url } or give the provider a baseUrl.',
    ]);
  }, [state, url]);
  return { state };
}
