/**
 * Repair-link landings: one framework-free store per link this document
 * received (or per connection it came back to from Meld's widget in redirect
 * mode), shared by every view of it. A link's token is taken out of the
 * address bar at once and redeemed exactly once: StrictMode's double effects,
 * remounts and a second view all find the same store. Internal; see
 * `useRepairLink`.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { HostApi } from '../core/createHostClient.js';
import { HostApiError, type HostApiErrorKind } from '../core/HostApiError.js';
import { forgetLandedConnection, landedConnectionId, rememberLandedConnection } from '../core/landedConnection.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import { hasPendingRedirect } from '../core/redirectPending.js';
import { isRepairLinkToken, withoutParam } from '../core/repairLinkUrl.js';
import type { Connection, RedeemedRepairLink } from '../core/types.js';
import { writeConnection } from './connectionCache.js';
import { getKitState } from './kitState.js';

/**
 * Where a landing is:
 * - `none`: this page has no repair link
 * - `redeeming`: asking the host backend for the link's connection
 * - `ready`: the link's connection is known (`connectionId`)
 * - `invalid`: the host refused the link, or its token has a shape the host never issues; final
 * - `error`: the host could not be asked, or failed; `retryable` says whether asking again can help
 */
export type RepairLinkStatus = 'none' | 'redeeming' | 'ready' | 'invalid' | 'error';

export interface RepairLinkSnapshot {
  status: RepairLinkStatus;
  connectionId: string | undefined;
  /** The connection as the host answered the redemption. */
  connection: Connection | undefined;
  error: Error | undefined;
  retryable: boolean;
  /** `link`: from a link in the address bar; `return`: back from Meld's widget in redirect mode. */
  via: 'link' | 'return' | undefined;
}

/** What a landing acts with: the provider's host API and cache, as the latest view saw them. */
export interface LandingPorts {
  hostApi: HostApi;
  queryClient: QueryClient;
}

/** A view's callbacks, read when the landing settles. */
export interface LandingCallbacks {
  onRedeemed?: ((redeemed: RedeemedRepairLink) => void) | undefined;
  onInvalid?: ((error: HostApiError) => void) | undefined;
}

export const NO_LANDING: RepairLinkSnapshot = {
  status: 'none',
  connectionId: undefined,
  connection: undefined,
  error: undefined,
  retryable: false,
  via: undefined,
};

/** What asking again may change: no answer, an answer too late, the host's trouble, or the session. */
const RETRYABLE: ReadonlySet<HostApiErrorKind> = new Set(['network', 'timeout', 'server', 'rate-limited', 'unauthorized', 'headers']);

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Calls a host's callback; if it throws, the error is reported as uncaught (`reportError`) and the landing goes on. */
function callBack(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (typeof reportError === 'function') reportError(error);
    else
      setTimeout(() => {
        throw error;
      }, 0);
  }
}

/** One landing. Never aborts a redemption: the host may have used the link up by the time an abort arrives. */
export class RepairLanding {
  private snapshot: RepairLinkSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly observers = new Set<{ readonly current: LandingCallbacks }>();
  private started = false;
  private attempt = 0;

  constructor(
    /** The link's token; `undefined` for a return from the widget. */
    private readonly token: string | undefined,
    initial: RepairLinkSnapshot,
    private readonly onUnobserved: (landing: RepairLanding) => void,
  ) {
    this.snapshot = initial;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): RepairLinkSnapshot => this.snapshot;

  /** Hands this view's callbacks to the landing until the returned function is called. */
  observe(callbacks: { readonly current: LandingCallbacks }): () => void {
    this.observers.add(callbacks);
    return () => {
      this.observers.delete(callbacks);
      if (this.observers.size === 0) this.onUnobserved(this);
    };
  }

  get observed(): boolean {
    return this.observers.size > 0;
  }

  /** Redeems the link, the first time any view asks. */
  begin(ports: LandingPorts): void {
    if (this.started || this.token === undefined) return;
    this.started = true;
    if (isRepairLinkToken(this.token)) this.redeem(ports, this.token);
    else this.refuse(new HostApiError({ kind: 'invalid-link', message: 'meld-reconnect-kit: the repair link in the address has a shape the host never issues; it was refused without a request.' }));
  }

  /** Asks again after a failure that may pass. */
  retry(ports: LandingPorts): void {
    const { status, retryable } = this.snapshot;
    if (status === 'error' && retryable && this.token !== undefined) this.redeem(ports, this.token);
  }

  private set(next: Partial<RepairLinkSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...next };
    for (const listener of [...this.listeners]) listener();
  }

  private refuse(error: HostApiError): void {
    this.set({ status: 'invalid', error, retryable: false });
    for (const observer of [...this.observers]) callBack(() => observer.current.onInvalid?.(error));
  }

  private redeem({ hostApi, queryClient }: LandingPorts, token: string): void {
    const attempt = ++this.attempt;
    this.set({ status: 'redeeming', error: undefined, retryable: false });
    if (typeof hostApi.redeemRepairLink !== 'function') {
      this.set({
        status: 'error',
        retryable: false,
        error: new TypeError('meld-reconnect-kit: useRepairLink needs a host API with redeemRepairLink (createHostClient has it, or give your own hostApi one).'),
      });
      return;
    }
    const pushes = getKitState(queryClient).pushes;
    const before = pushes.count;
    hostApi.redeemRepairLink(token).then(
      (redeemed) => {
        if (attempt !== this.attempt) return;
        const { connectionId, connection } = redeemed;
        writeConnection(queryClient, connection);
        // A status change pushed while the host answered may be newer than the answer: read again.
        if ((pushes.last.get(connectionId) ?? 0) > before) void queryClient.invalidateQueries({ queryKey: reconnectKitKeys.detail(connectionId) });
        rememberLandedConnection(connectionId);
        this.set({ status: 'ready', connectionId, connection });
        for (const observer of [...this.observers]) callBack(() => observer.current.onRedeemed?.(redeemed));
      },
      (cause: unknown) => {
        if (attempt !== this.attempt) return;
        if (cause instanceof HostApiError && cause.kind === 'invalid-link') return this.refuse(cause);
        // A host API of the host's own that throws something else: asking again costs nothing.
        const retryable = cause instanceof HostApiError ? RETRYABLE.has(cause.kind) : true;
        this.set({ status: 'error', error: asError(cause), retryable });
      },
    );
  }
}

/** Landings by token: the same link is never redeemed twice in this document. */
const byToken = new Map<string, RepairLanding>();
/** The landing each query parameter shows now, and who wants to know when that changes. */
const current = new Map<string, RepairLanding>();
const currentListeners = new Set<() => void>();

function show(param: string, landing: RepairLanding | undefined): void {
  if (current.get(param) === landing) return;
  if (landing) current.set(param, landing);
  else current.delete(param);
  for (const listener of [...currentListeners]) listener();
}

/** Calls `listener` whenever the landing shown for any parameter changes. */
export function subscribeToLandings(listener: () => void): () => void {
  currentListeners.add(listener);
  return () => currentListeners.delete(listener);
}

/** The landing shown now for `param`, if any. */
export function shownLanding(param: string): RepairLanding | undefined {
  return current.get(param);
}

/** Once nothing shows a settled landing for a moment (not a StrictMode remount), it is over. */
function forgetWhenUnobserved(landing: RepairLanding): void {
  setTimeout(() => {
    if (landing.observed || landing.getSnapshot().status === 'redeeming') return;
    for (const [param, shown] of [...current]) if (shown === landing) show(param, undefined);
  }, 0);
}

/** Takes `param` out of the address bar (keeping the other parameters, the hash and history.state); returns its value. */
function takeFromAddress(param: string): string | undefined {
  if (typeof window === 'undefined') return undefined;
  const { pathname, search, hash } = window.location;
  const { value, search: rest } = withoutParam(search, param);
  if (value === undefined) return undefined;
  try {
    window.history.replaceState(window.history.state, '', `${pathname}${rest}${hash}`);
  } catch {
    // A sandboxed document may refuse: the link is still redeemed once.
  }
  return value;
}

/** Whether the address bar carries `param` (cheap: checked after every render of a landing). */
export function addressHasLink(param: string): boolean {
  return typeof window !== 'undefined' && withoutParam(window.location.search, param).value !== undefined;
}

/**
 * Finds the landing to show for `param` (see `shownLanding`): a link in the
 * address bar (taken out of it at once), else the one shown already, else, on
 * a page reloaded on the way back from Meld's widget in redirect mode, the
 * connection the customer had landed on.
 */
export function findLanding(param: string): void {
  const token = takeFromAddress(param);
  if (token !== undefined) {
    let landing = byToken.get(token);
    if (!landing) {
      landing = new RepairLanding(token, { ...NO_LANDING, status: 'redeeming', via: 'link' }, forgetWhenUnobserved);
      byToken.set(token, landing);
      forgetLandedConnection();
    }
    return show(param, landing);
  }
  if (current.has(param)) return;
  const landed = landedConnectionId();
  if (landed === undefined) return;
  if (!hasPendingRedirect(landed)) return forgetLandedConnection();
  show(param, new RepairLanding(undefined, { ...NO_LANDING, status: 'ready', connectionId: landed, via: 'return' }, forgetWhenUnobserved));
}
