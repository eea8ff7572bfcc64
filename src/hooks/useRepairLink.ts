import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { HostApiError } from '../core/HostApiError.js';
import { forgetLandedConnection } from '../core/landedConnection.js';
import { connectionQueryOptions } from '../core/queryOptions.js';
import type { Connection, RedeemedRepairLink } from '../core/types.js';
import { useReconnectKit } from './ReconnectKitContext.js';
import {
  addressHasLink,
  findLanding,
  NO_LANDING,
  shownLanding,
  subscribeToLandings,
  type LandingCallbacks,
  type LandingPorts,
  type RepairLinkStatus,
} from './repairLinkStore.js';
import { useHydrated } from './useHydrated.js';

export type { RepairLinkStatus };

export interface UseRepairLinkOptions {
  /** The query parameter that carries the link's token. Defaults to `'meld_repair'`. */
  param?: string | undefined;
  /** Called once when the host redeems the link, with its connection (already in the kit's cache). */
  onRedeemed?: ((redeemed: RedeemedRepairLink) => void) | undefined;
  /** Called once when the link is refused (a `HostApiError` of kind `invalid-link`). */
  onInvalid?: ((error: HostApiError) => void) | undefined;
}

export interface UseRepairLinkResult {
  /**
   * `none` (no link on this page), `redeeming`, `ready` (`connectionId` and
   * `connection` known), `invalid` (refused: expired, used, tampered, someone
   * else's...; final) or `error` (see `retryable`).
   */
  status: RepairLinkStatus;
  /** The link's connection, once `ready`. */
  connectionId: string | undefined;
  /** The link's connection as the kit's cache knows it now (pushes included), once `ready`. */
  connection: Connection | undefined;
  /** For `invalid`: a `HostApiError` of kind `invalid-link`. For `error`: what failed (usually a `HostApiError`). */
  error: Error | undefined;
  /** For `error`: whether asking again can help (no answer, a timeout, 5xx, 429, an ended session). */
  retryable: boolean;
  /** Asks the host again after a retryable error; does nothing otherwise. */
  retry: () => void;
  /** `link`: landed from a link in the address bar; `return`: back from Meld's widget in redirect mode. */
  via: 'link' | 'return' | undefined;
  /** Forgets the landing in this tab's session storage (the component calls it when the connection's flow ends). */
  forget: () => void;
}

/** The query parameter a repair link carries its token in, unless the host names another. */
const REPAIR_LINK_PARAM = 'meld_repair';

const noSubscription = () => () => {};
const noLanding = () => NO_LANDING;

/**
 * The landing of a signed repair link (the host's e-mail links to its own
 * page with `?meld_repair=<token>`). Once hydrated it takes the token out of
 * the address bar at once (`history.replaceState`, keeping the other
 * parameters, the hash and `history.state`), redeems it with the host backend
 * exactly once (StrictMode, remounts and other views share one redemption),
 * writes the connection into the kit's cache under the key `useConnection`
 * reads, and says where it is. A token of a shape the host never issues is
 * refused without a request. In redirect mode the page reloads on the way back
 * from Meld's widget: the landed connection is kept in sessionStorage (its id,
 * never the token), so the landing comes back with it.
 *
 * `RepairLinkLanding` is built on it; use the hook for markup of your own.
 *
 * @example
 * const link = useRepairLink();
 * if (link.status === 'ready') return <ReconnectBanner connectionId={link.connectionId!} />;
 */
export function useRepairLink(options: UseRepairLinkOptions = {}): UseRepairLinkResult {
  const kit = useReconnectKit('useRepairLink');
  const { hostApi, queryClient } = kit;
  const param = options.param ?? REPAIR_LINK_PARAM;
  if (typeof param !== 'string' || param === '') throw new TypeError('meld-reconnect-kit: useRepairLink\'s `param` is the query parameter that carries the link, e.g. "meld_repair".');
  const hydrated = useHydrated();
  // The server cannot see the address: nothing shows while it renders or the page hydrates.
  const landing = useSyncExternalStore(
    subscribeToLandings,
    () => (hydrated ? shownLanding(param) : undefined),
    () => undefined,
  );

  // The latest callbacks and ports, read when the landing acts (an inline callback re-binds nothing).
  const callbacks = useRef<LandingCallbacks>({ onRedeemed: options.onRedeemed, onInvalid: options.onInvalid });
  const ports = useRef<LandingPorts>({ hostApi, queryClient });
  useEffect(() => {
    callbacks.current = { onRedeemed: options.onRedeemed, onInvalid: options.onInvalid };
    ports.current = { hostApi, queryClient };
  });

  // Once hydrated, and again whenever the address gains a link: a router's navigation re-renders
  // the page; the back and forward buttons fire popstate.
  const looked = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!hydrated || (looked.current === param && !addressHasLink(param))) return;
    looked.current = param;
    findLanding(param);
  });
  useEffect(() => {
    if (!hydrated) return;
    const onPopState = () => {
      if (addressHasLink(param)) findLanding(param);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, [hydrated, param]);

  useEffect(() => {
    if (!landing) return;
    const stop = landing.observe(callbacks);
    landing.begin(ports.current);
    return stop;
  }, [landing]);

  const snapshot = useSyncExternalStore(landing?.subscribe ?? noSubscription, landing?.getSnapshot ?? noLanding, noLanding);
  const { status, connectionId } = snapshot;
  // The connection as the cache knows it: fresh from the redemption, read by id after a redirect's return.
  const { data } = useQuery({ ...connectionQueryOptions(connectionId ?? '', { hostApi }), enabled: status === 'ready' && connectionId !== undefined }, queryClient);

  return {
    status,
    connectionId,
    connection: status === 'ready' ? (data ?? snapshot.connection) : undefined,
    error: snapshot.error,
    retryable: snapshot.retryable,
    retry: () => landing?.retry(ports.current),
    via: snapshot.via,
    forget: forgetLandedConnection,
  };
}
