import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ReconnectKitEvent } from '../core/analytics.js';
import type { HostApi, HostClientOptions } from '../core/createHostClient.js';
import { createLazyHostClient } from './lazyHostClient.js';
import type { Messages } from '../i18n/messages.js';
import { bindHostApi } from '../core/hostApiBinding.js';
import { getKitState } from './kitState.js';
import type { Connection } from '../core/types.js';
import type { EngineSettings } from './enginePorts.js';
import { ReconnectKitContext, type DismissStorage, type EngineHolder, type VerificationSettings, type WidgetSettings } from './ReconnectKitContext.js';

interface CommonProps {
  children?: ReactNode;
  /** Use this QueryClient. Otherwise the one already in context, else the kit makes its own. */
  queryClient?: QueryClient | undefined;
  /**
   * Name of the BroadcastChannel that shares status changes with the app's
   * other tabs; `false` turns sharing off. Defaults to `'meld-reconnect-kit'`.
   */
  broadcastChannel?: string | false | undefined;
  /** Funnel events from every flow (`flow_started`, `widget_opened`, `verified`, ...). */
  onEvent?: ((event: ReconnectKitEvent) => void) | undefined;
  /** Replaces any of the kit's strings. */
  messages?: Partial<Messages> | undefined;
  /** How the widget opens: mode, extra allowed hosts and origins, where its dialog is attached. */
  widget?: WidgetSettings | undefined;
  /** How long flows wait to confirm a repair after the widget completes (default 30 s). */
  verification?: VerificationSettings | undefined;
  /**
   * Starts a new connection (Meld's `connect/start` through your backend) for a
   * connection that cannot be repaired: EXPIRED, DELETED, UNRECOVERABLE, or a 409.
   */
  onStartNewConnection?: ((connection: Connection) => void) | undefined;
  /** BCP 47 tag of the catalog passed in `messages` (e.g. `'es'`), set as `lang` on the kit's prompts. */
  locale?: string | undefined;
  /**
   * Where soft prompts remember being dismissed. Defaults to `localStorage`;
   * `null` keeps it in memory. RECONNECT_REQUIRED is never silenced beyond the session.
   */
  dismissStorage?: DismissStorage | null | undefined;
}

const NO_OVERRIDES: Partial<Messages> = {};

function defaultDismissStorage(): DismissStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Props of {@link ReconnectKitProvider}: either a `hostApi` or a `baseUrl` (with its client options). */
export type ReconnectKitProviderProps = CommonProps &
  (
    | ({ hostApi: HostApi; baseUrl?: never } & { [K in Exclude<keyof HostClientOptions, 'baseUrl'>]?: never })
    | ({ hostApi?: never } & HostClientOptions)
  );

/**
 * Gives the kit's hooks and components their host API and QueryClient.
 *
 * @example
 * <ReconnectKitProvider baseUrl="/api/meld">
 *   <App />
 * </ReconnectKitProvider>
 */
export function ReconnectKitProvider(props: ReconnectKitProviderProps) {
  const {
    children,
    queryClient: given,
    broadcastChannel = 'meld-reconnect-kit',
    onEvent,
    messages = NO_OVERRIDES,
    widget,
    onStartNewConnection,
    locale,
    verification,
  } = props;
  const dismissStorage = props.dismissStorage === undefined ? defaultDismissStorage() : props.dismissStorage;
  const inContext = useContext(QueryClientContext);
  const [own] = useState(() => (given || inContext ? undefined : new QueryClient()));
  const queryClient = (given ?? inContext ?? own) as QueryClient;

  const { hostApi: givenApi, baseUrl, fetch, headers, credentials, timeoutMs } = props as HostClientOptions & { hostApi?: HostApi };
  // The client (loaded with its first call) is a small plain object and nothing subscribes to its identity,
  // so rebuilding it when an inline `fetch`/`headers` changes costs nothing.
  const hostApi = useMemo(() => {
    if (givenApi) return givenApi;
    if (!baseUrl) {
      throw new Error('meld-reconnect-kit: <ReconnectKitProvider> needs either a `hostApi` or a `baseUrl` (e.g. baseUrl="/api/meld").');
    }
    return createLazyHostClient({ baseUrl, fetch, headers, credentials, timeoutMs });
  }, [givenApi, baseUrl, fetch, headers, credentials, timeoutMs]);

  // The kit's own hooks pass their host API explicitly; this binding serves a host's own
  // `useQuery(connectionQueryOptions(id))`. Bound once before the children's first render,
  // then after each commit that changes it (never written during a later render).
  useState(() => bindHostApi(queryClient, hostApi));
  useEffect(() => bindHostApi(queryClient, hostApi), [queryClient, hostApi]);

  useEffect(() => {
    if (broadcastChannel === false || typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(broadcastChannel);
    const state = getKitState(queryClient);
    state.channel = channel;
    // Loaded on the first message: most pages never get one. Imports resolve in order, so changes do too.
    channel.onmessage = (event: MessageEvent) => {
      void import('./applyStatusChange.js').then(({ acceptBroadcast }) => acceptBroadcast(queryClient, event.data));
    };
    return () => {
      if (state.channel === channel) state.channel = undefined;
      channel.close();
    };
  }, [queryClient, broadcastChannel]);

  // The latest onEvent, read when an event happens, so an inline callback does not churn the context.
  const callbacks = useRef({ onEvent, onStartNewConnection });
  useEffect(() => {
    callbacks.current = { onEvent, onStartNewConnection };
  });
  const emit = useCallback((event: ReconnectKitEvent) => callbacks.current.onEvent?.(event), []);
  const hasStartNew = Boolean(onStartNewConnection);
  const startNewConnection = useMemo(
    () => (hasStartNew ? (connection: Connection) => callbacks.current.onStartNewConnection?.(connection) : undefined),
    [hasStartNew],
  );
  const widgetMode = widget?.mode;
  const allowedHosts = widget?.allowedHosts;
  const allowedOrigins = widget?.allowedOrigins;
  const widgetContainer = widget?.container;
  const widgetSettings = useMemo(
    () => ({ mode: widgetMode, allowedHosts, allowedOrigins, container: widgetContainer }),
    [widgetMode, allowedHosts, allowedOrigins, widgetContainer],
  );

  // Engines read the latest settings when they act, after this commit.
  const settings = useRef<EngineSettings>({ queryClient, hostApi, messages, widget: widgetSettings, verification, emit, dismissStorage });
  useEffect(() => {
    settings.current = { queryClient, hostApi, messages, widget: widgetSettings, verification, emit, dismissStorage };
  });
  // One holder per cache: its engines are created on first use.
  const engines = useMemo<EngineHolder>(() => ({ settings, queryClient, registry: undefined }), [queryClient]);

  const value = useMemo(
    () => ({
      engines,
      hostApi,
      queryClient,
      messages,
      widget: widgetSettings,
      verification,
      emit,
      onStartNewConnection: startNewConnection,
      dismissStorage,
      locale,
    }),
    [engines, hostApi, queryClient, messages, widgetSettings, verification, emit, startNewConnection, dismissStorage, locale],
  );
  const content = <ReconnectKitContext.Provider value={value}>{children}</ReconnectKitContext.Provider>;
  return queryClient === inContext ? content : <QueryClientProvider client={queryClient}>{content}</QueryClientProvider>;
}
