import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query';
import { useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createHostClient, type HostApi, type HostClientOptions } from '../core/createHostClient.js';
import { acceptBroadcast } from './applyStatusChange.js';
import { bindHostApi, getKitState } from './kitState.js';
import { ReconnectKitContext } from './ReconnectKitContext.js';

interface CommonProps {
  children?: ReactNode;
  /** Use this QueryClient. Otherwise the one already in context, else the kit makes its own. */
  queryClient?: QueryClient | undefined;
  /**
   * Name of the BroadcastChannel that shares status changes with the app's
   * other tabs; `false` turns sharing off. Defaults to `'meld-reconnect-kit'`.
   */
  broadcastChannel?: string | false | undefined;
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
  const { children, queryClient: given, broadcastChannel = 'meld-reconnect-kit' } = props;
  const inContext = useContext(QueryClientContext);
  const [own] = useState(() => (given || inContext ? undefined : new QueryClient()));
  const queryClient = (given ?? inContext ?? own) as QueryClient;

  const { hostApi: givenApi, baseUrl, fetch, headers, credentials, timeoutMs } = props as HostClientOptions & { hostApi?: HostApi };
  // The client is a small plain object and nothing subscribes to its identity,
  // so rebuilding it when an inline `fetch`/`headers` changes costs nothing.
  const hostApi = useMemo(() => {
    if (givenApi) return givenApi;
    if (!baseUrl) {
      throw new Error('meld-reconnect-kit: <ReconnectKitProvider> needs either a `hostApi` or a `baseUrl` (e.g. baseUrl="/api/meld").');
    }
    return createHostClient({ baseUrl, fetch, headers, credentials, timeoutMs });
  }, [givenApi, baseUrl, fetch, headers, credentials, timeoutMs]);

  // Bound during render so that queries started by children's first render find it.
  bindHostApi(queryClient, hostApi);

  useEffect(() => {
    if (broadcastChannel === false || typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(broadcastChannel);
    const state = getKitState(queryClient);
    state.channel = channel;
    channel.onmessage = (event: MessageEvent) => acceptBroadcast(queryClient, event.data);
    return () => {
      if (state.channel === channel) state.channel = undefined;
      channel.close();
    };
  }, [queryClient, broadcastChannel]);

  const value = useMemo(() => ({ hostApi, queryClient }), [hostApi, queryClient]);
  const content = <ReconnectKitContext.Provider value={value}>{children}</ReconnectKitContext.Provider>;
  return queryClient === inContext ? content : <QueryClientProvider client={queryClient}>{content}</QueryClientProvider>;
}
