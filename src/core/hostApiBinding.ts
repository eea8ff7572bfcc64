import type { QueryClient } from '@tanstack/react-query';
import type { HostApi } from './createHostClient.js';

const bound = new WeakMap<QueryClient, HostApi>();

/**
 * Binds a {@link HostApi} to a QueryClient, so that the kit's query options
 * (`connectionQueryOptions(id)`) work outside React too, e.g. to prefetch in a
 * router loader or a Server Component. `ReconnectKitProvider` does this for you.
 */
export function bindHostApi(client: QueryClient, hostApi: HostApi): void {
  bound.set(client, hostApi);
}

/** The host API bound to `client`, if any. Internal. */
export function boundHostApi(client: QueryClient): HostApi | undefined {
  return bound.get(client);
}
