import type { createHostClient, HostApi, HostClientOptions } from '../core/createHostClient.js';

type Client = ReturnType<typeof createHostClient>;
import { HostApiError } from '../core/HostApiError.js';

/**
 * The provider's HTTP host client, loaded with its first call: a page whose
 * prompts are given their connections (and none is due) never downloads it.
 * Same contract as `createHostClient`; a client that cannot load (offline)
 * rejects with `HostApiError` of kind `network`, and the next call tries again.
 * Internal.
 */
export function createLazyHostClient(options: HostClientOptions): HostApi & Required<Pick<HostApi, 'redeemRepairLink'>> {
  if (typeof options?.baseUrl !== 'string' || options.baseUrl.trim() === '') {
    throw new TypeError('meld-reconnect-kit: createHostClient needs a baseUrl, e.g. createHostClient({ baseUrl: "/api/meld" }).');
  }
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  let loading: Promise<Client> | undefined;
  const client = (): Promise<Client> =>
    (loading ??= import('../core/createHostClient.js').then(
      (m) => m.createHostClient(options),
      (cause: unknown) => {
        loading = undefined;
        throw new HostApiError({ kind: 'network', message: `meld-reconnect-kit: the host client could not load: ${String(cause)}`, cause });
      },
    ));
  return {
    eventsUrl: `${baseUrl}/events`,
    widgetRelayUrl: `${baseUrl}/widget-relay`,
    listConnections: (o) => client().then((c) => c.listConnections(o)),
    getConnection: (id, o) => client().then((c) => c.getConnection(id, o)),
    repairConnection: (id, o) => client().then((c) => c.repairConnection(id, o)),
    refreshConnection: (id, o) => client().then((c) => c.refreshConnection(id, o)),
    updateConnectionProducts: (id, products, o) => client().then((c) => c.updateConnectionProducts(id, products, o)),
    deleteConnection: (id, o) => client().then((c) => c.deleteConnection(id, o)),
    redeemRepairLink: (token, o) => client().then((c) => c.redeemRepairLink(token, o)),
  };
}
