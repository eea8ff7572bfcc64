/**
 * The reconnect engine's transitions: a pure function of (state, event) to
 * (state, effects). Nothing here performs I/O; `createReconnectController`
 * runs the effects through its ports. One state per connection, shared by
 * every prompt, badge and hook that shows it.
 */
import type { ReconnectKitEventType } from './analytics.js';
import { classifyFlowError, type ReconnectFlowFailure } from './flowFailure.js';
import { OperationNotAllowedError } from './HostApiError.js';
import { PROMPT_STATE_INFO, type PromptOffer, type PromptState } from './promptStates.js';
import type { Connection, RepairSession } from './types.js';
import type { ObservedStatus, RepairVerification } from './verifyRepair.js';

/** How the widget is shown. */
export type WidgetMode = 'dialog' | 'popup' | 'redirect';

/** Which prompts a view shows: `banner` (all but new accounts) or `new-accounts` (only those). */
export type PromptVariant = 'banner' | 'new-accounts';

/** Where a reconnect flow is. */
export type ReconnectFlowStatus =
  | 'idle'
  | 'requesting'
  | 'widget-open'
  | 'verifying'
  | 'verified'
  | 'still-broken'
  | 'unconfirmed'
  | 'cancelled'
  | 'failed';

/** Why a prompt failed: a flow's failure, or a refresh the status does not allow. */
export type PromptFailure = ReconnectFlowFailure | 'not-allowed';

/** The reconnect flow of one connection. */
export interface FlowSnapshot {
  status: ReconnectFlowStatus;
  /** Which start this is (1, 2, ...): answers for an earlier attempt are ignored. */
  attempt: number;
  /** The widget mode in use (a blocked popup becomes `'dialog'`). */
  mode?: WidgetMode | undefined;
  /** The kind of prompt that started it; its states show only in views of that kind (any, when resumed after a redirect). */
  variant?: PromptVariant | undefined;
  /** The action the customer pressed, shown pending while the flow is busy. */
  pressed?: PromptOffer | undefined;
  /** For `failed` and `still-broken`: why. */
  failure?: ReconnectFlowFailure | undefined;
  /** For `failed`: the typed error. */
  error?: Error | undefined;
  /** For `verified`, `still-broken`, `unconfirmed`: the status and reason last seen. */
  connectionStatus?: string | undefined;
  reason?: string | null | undefined;
  /** The status the repair started from (what verification compares with). */
  from?: ObservedStatus | undefined;
  /** The customer put this attempt's result away (`unconfirmed`): hidden until the next attempt or news. */
  dismissed?: boolean | undefined;
}

/** A refresh ("I've done this", "Refresh", "Update now") of one connection. */
export interface RefreshSnapshot {
  status: 'idle' | 'pending' | 'done' | 'failed';
  attempt: number;
  pressed?: PromptOffer | undefined;
  /** What the connection said when it was asked for (a change of it ends `done`). */
  basis?: string | undefined;
  failure?: PromptFailure | undefined;
  error?: Error | undefined;
  /** The customer put this refresh's result away (`refreshed`): hidden until news about the connection. */
  dismissed?: boolean | undefined;
}

/** Everything the kit knows and is doing about one connection. Immutable: each change is a new object. */
export interface ReconnectSnapshot {
  connectionId: string;
  connection: Connection | undefined;
  flow: FlowSnapshot;
  refresh: RefreshSnapshot;
  /** A repair session not yet used, for reopening the widget within Meld's token lifetime. */
  session: { value: RepairSession; obtainedAt: number } | undefined;
  /** States the customer put away for this session. */
  dismissed: readonly PromptState[];
  /** Soft states snoozed until (ms since the epoch), as stored. */
  snoozed: Readonly<Partial<Record<PromptState, number>>>;
  /** Table states already reported as `prompt_shown`. */
  shown: readonly PromptState[];
}

export type ReconnectEvent =
  | { type: 'connection'; connection: Connection | undefined }
  | { type: 'start'; mode: WidgetMode; variant?: PromptVariant | undefined; pressed?: PromptOffer | undefined; now: number }
  | { type: 'resume'; now: number }
  | { type: 'repair-ok'; attempt: number; session: RepairSession; now: number }
  | { type: 'repair-failed'; attempt: number; error: unknown }
  | { type: 'widget-opened'; attempt: number; mode: WidgetMode }
  | { type: 'popup-blocked'; attempt: number }
  | { type: 'widget-complete'; attempt: number; mode: WidgetMode }
  | { type: 'widget-error'; attempt: number; mode: WidgetMode; error: unknown }
  | { type: 'widget-closed'; attempt: number; mode: WidgetMode; reason: string }
  | { type: 'verify-done'; attempt: number; result: RepairVerification }
  | { type: 'verify-failed'; attempt: number; error: unknown }
  | { type: 'verified-elapsed'; attempt: number }
  | { type: 'reset'; why?: 'reset' | 'unmounted' | undefined }
  | { type: 'refresh'; pressed?: PromptOffer | undefined }
  | { type: 'refresh-ok'; attempt: number }
  | { type: 'refresh-failed'; attempt: number; error: unknown }
  | { type: 'retry'; mode: WidgetMode; variant?: PromptVariant | undefined; pressed?: PromptOffer | undefined; now: number }
  | { type: 'dismiss'; state: PromptState; now: number }
  | { type: 'shown'; state: PromptState };

/** Funnel event fields the machine decides (the controller adds `connectionId` and `at`). */
export interface EmittedEvent {
  type: ReconnectKitEventType;
  attempt?: number | undefined;
  mode?: WidgetMode | undefined;
  failure?: ReconnectFlowFailure | undefined;
  status?: string | undefined;
  reason?: string | null | undefined;
  closeReason?: string | undefined;
}

export type ReconnectEffect =
  | { type: 'emit'; event: EmittedEvent }
  /** In the customer's click: remember focus, open the popup window. Synchronous. */
  | { type: 'prepare-widget'; attempt: number; mode: WidgetMode }
  | { type: 'request-repair'; attempt: number }
  | { type: 'open-widget'; attempt: number; mode: WidgetMode; session: RepairSession }
  /** Closes this attempt's widget (or prepared popup), if any. */
  | { type: 'close-widget'; attempt: number }
  | { type: 'verify'; attempt: number; from: ObservedStatus }
  | { type: 'stop-verify'; attempt: number }
  | { type: 'request-refresh'; attempt: number }
  | { type: 'timer'; attempt: number; ms: number }
  | { type: 'cancel-timer' }
  | { type: 'persist-dismissal'; state: PromptState; until: number | undefined };

/** Meld's connect tokens live 3 to 4 hours: an older session is never reused. */
export const SESSION_MAX_AGE_MS = 3 * 60 * 60 * 1000;
/** How long `verified` shows before the (healthy) status decides. */
export const VERIFIED_VISIBLE_MS = 4_000;
/** How long a soft prompt stays snoozed. */
export const SOFT_SNOOZE_MS = 3 * 24 * 60 * 60 * 1000;

const BUSY_FLOW: ReadonlySet<ReconnectFlowStatus> = new Set(['requesting', 'widget-open', 'verifying']);
/** Assumed when nothing is known yet: the flow is only offered for broken connections. */
const ASSUMED_BROKEN: ObservedStatus = { status: 'RECONNECT_REQUIRED', statusReason: null };

export function isFlowBusy(flow: FlowSnapshot): boolean {
  return BUSY_FLOW.has(flow.status);
}

/** What a connection says, as one comparable string (status, reason and the bank's message). */
export function observationKey(connection: Connection | undefined): string {
  if (!connection) return '';
  return `${connection.status}\u0000${connection.statusReason ?? ''}\u0000${connection.institutionMessage ?? ''}`;
}

export function observedStatus(connection: Connection | undefined): ObservedStatus | undefined {
  return connection ? { status: connection.status, statusReason: connection.statusReason ?? null } : undefined;
}

/** The state of a connection nobody has acted on yet. */
export function initialSnapshot(
  connectionId: string,
  connection: Connection | undefined,
  dismissals: { dismissed?: readonly PromptState[] | undefined; snoozed?: Partial<Record<PromptState, number>> | undefined } = {},
): ReconnectSnapshot {
  return {
    connectionId,
    connection,
    flow: { status: 'idle', attempt: 0 },
    refresh: { status: 'idle', attempt: 0 },
    session: undefined,
    dismissed: dismissals.dismissed ?? [],
    snoozed: dismissals.snoozed ?? {},
    shown: [],
  };
}

export interface Transition {
  state: ReconnectSnapshot;
  effects: ReconnectEffect[];
}

function refreshFailure(error: unknown): PromptFailure {
  return error instanceof OperationNotAllowedError ? 'not-allowed' : classifyFlowError(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Ends a busy flow as the host's or the page's decision (reset, unmount): one `abandoned`. */
function abandon(state: ReconnectSnapshot, why: 'reset' | 'unmounted', effects: ReconnectEffect[]): FlowSnapshot {
  const { flow } = state;
  if (flow.status === 'idle') return flow;
  effects.push({ type: 'close-widget', attempt: flow.attempt }, { type: 'stop-verify', attempt: flow.attempt }, { type: 'cancel-timer' });
  if (isFlowBusy(flow)) effects.push({ type: 'emit', event: { type: 'abandoned', attempt: flow.attempt, mode: flow.mode, closeReason: why } });
  return { status: 'idle', attempt: flow.attempt };
}

function startFlow(state: ReconnectSnapshot, mode: WidgetMode, now: number, variant: PromptVariant | undefined, pressed: PromptOffer | undefined): Transition {
  const attempt = state.flow.attempt + 1;
  const effects: ReconnectEffect[] = [];
  // A result on screen (still broken, failed...) gives way to the new attempt.
  if (state.flow.status !== 'idle') effects.push({ type: 'cancel-timer' });
  const from = observedStatus(state.connection) ?? ASSUMED_BROKEN;
  const flow: FlowSnapshot = { status: 'requesting', attempt, mode, variant, pressed, from };
  effects.push({ type: 'emit', event: { type: 'flow_started', attempt, mode } }, { type: 'prepare-widget', attempt, mode });
  const reusable = state.session && now - state.session.obtainedAt < SESSION_MAX_AGE_MS ? state.session : undefined;
  if (reusable) effects.push({ type: 'open-widget', attempt, mode, session: reusable.value });
  else effects.push({ type: 'request-repair', attempt });
  return { state: { ...state, flow, session: reusable, refresh: state.refresh.status === 'failed' ? { status: 'idle', attempt: state.refresh.attempt } : state.refresh }, effects };
}

function failFlow(state: ReconnectSnapshot, error: unknown, mode: WidgetMode | undefined, effects: ReconnectEffect[]): Transition {
  const failure = classifyFlowError(error);
  const { attempt } = state.flow;
  effects.push({ type: 'close-widget', attempt }, { type: 'emit', event: { type: 'failed', attempt, mode, failure } });
  return { state: { ...state, session: undefined, flow: { ...state.flow, status: 'failed', failure, error: asError(error), mode } }, effects };
}

function sameAttempt(state: ReconnectSnapshot, attempt: number, statuses: readonly ReconnectFlowStatus[]): boolean {
  return state.flow.attempt === attempt && statuses.includes(state.flow.status);
}

/**
 * The reconnect engine's transition function. Pure: the same state and event
 * always give the same next state and effects. Events for an attempt that is
 * no longer the current one change nothing.
 */
export function transition(state: ReconnectSnapshot, event: ReconnectEvent): Transition {
  const same = (next: ReconnectSnapshot, effects: ReconnectEffect[] = []): Transition => ({ state: next, effects });
  const none = same(state);
  const { flow, refresh } = state;

  switch (event.type) {
    case 'connection': {
      if (event.connection === state.connection) return none;
      const changed = observationKey(event.connection) !== observationKey(state.connection);
      let next: ReconnectSnapshot = { ...state, connection: event.connection };
      if (!changed) return same(next);
      const effects: ReconnectEffect[] = [];
      // News about the connection ends a result on screen: the table decides again.
      if (refresh.status === 'done' || refresh.status === 'failed') next = { ...next, refresh: { status: 'idle', attempt: refresh.attempt } };
      if (['still-broken', 'unconfirmed', 'cancelled', 'failed'].includes(flow.status)) {
        next = { ...next, flow: { status: 'idle', attempt: flow.attempt } };
      } else if (flow.status === 'verified' && event.connection?.status !== 'ACTIVE') {
        effects.push({ type: 'cancel-timer' });
        next = { ...next, flow: { status: 'idle', attempt: flow.attempt } };
      }
      return same(next, effects);
    }

    case 'start':
      if (isFlowBusy(flow)) return none;
      return startFlow(state, event.mode, event.now, event.variant, event.pressed);

    case 'retry': {
      // What the pressing view shows failed: its flow first, then a refresh (as derivePrompt orders them).
      const flowShows = flow.variant === undefined || event.variant === undefined || flow.variant === event.variant;
      if (flowShows && (flow.status === 'failed' || flow.status === 'still-broken')) {
        return startFlow(state, flow.mode ?? event.mode, event.now, flow.variant, event.pressed);
      }
      if (refresh.status === 'failed') {
        return transition({ ...state, refresh: { status: 'idle', attempt: refresh.attempt } }, { type: 'refresh', pressed: event.pressed });
      }
      return none;
    }

    case 'resume': {
      // Back from redirect mode: verify where the customer left.
      if (isFlowBusy(flow)) return none;
      const attempt = flow.attempt + 1;
      const from = observedStatus(state.connection) ?? ASSUMED_BROKEN;
      return same({ ...state, flow: { status: 'verifying', attempt, mode: 'redirect', from } }, [{ type: 'verify', attempt, from }]);
    }

    case 'repair-ok': {
      if (!sameAttempt(state, event.attempt, ['requesting'])) return none;
      const session = { value: event.session, obtainedAt: event.now };
      return same({ ...state, session }, [{ type: 'open-widget', attempt: event.attempt, mode: flow.mode ?? 'dialog', session: event.session }]);
    }

    case 'repair-failed':
      if (!sameAttempt(state, event.attempt, ['requesting'])) return none;
      return failFlow(state, event.error, flow.mode, []);

    case 'popup-blocked':
      if (!sameAttempt(state, event.attempt, ['requesting'])) return none;
      return same(state, [{ type: 'emit', event: { type: 'popup_blocked', attempt: event.attempt, mode: flow.mode } }]);

    case 'widget-opened':
      if (!sameAttempt(state, event.attempt, ['requesting'])) return none;
      return same({ ...state, flow: { ...flow, status: 'widget-open', mode: event.mode } }, [
        { type: 'emit', event: { type: 'widget_opened', attempt: event.attempt, mode: event.mode } },
      ]);

    case 'widget-complete': {
      if (!sameAttempt(state, event.attempt, ['requesting', 'widget-open'])) return none;
      const from = flow.from ?? ASSUMED_BROKEN;
      // The token has been used: never reopen with it.
      return same({ ...state, session: undefined, flow: { ...flow, status: 'verifying', mode: event.mode } }, [
        { type: 'emit', event: { type: 'widget_completed', attempt: event.attempt, mode: event.mode } },
        { type: 'verify', attempt: event.attempt, from },
      ]);
    }

    case 'widget-error':
      if (!sameAttempt(state, event.attempt, ['requesting', 'widget-open'])) return none;
      return failFlow({ ...state, session: undefined }, event.error, event.mode, []);

    case 'widget-closed': {
      if (!sameAttempt(state, event.attempt, ['requesting', 'widget-open'])) return none;
      if (event.reason !== 'closed-by-customer' && event.reason !== 'replaced') return none;
      return same({ ...state, flow: { ...flow, status: 'cancelled', mode: event.mode } }, [
        { type: 'emit', event: { type: 'abandoned', attempt: event.attempt, mode: event.mode, closeReason: event.reason } },
      ]);
    }

    case 'verify-done': {
      if (!sameAttempt(state, event.attempt, ['verifying'])) return none;
      const { result } = event;
      const seen = { connectionStatus: result.status, reason: result.reason };
      const common = { attempt: event.attempt, mode: flow.mode, status: result.status, reason: result.reason };
      if (result.outcome === 'verified') {
        return same({ ...state, flow: { ...flow, status: 'verified', ...seen } }, [
          { type: 'emit', event: { type: 'verified', ...common } },
          { type: 'timer', attempt: event.attempt, ms: VERIFIED_VISIBLE_MS },
        ]);
      }
      if (result.outcome === 'still-broken') {
        return same({ ...state, flow: { ...flow, status: 'still-broken', failure: 'still-broken', ...seen } }, [
          { type: 'emit', event: { type: 'failed', ...common, failure: 'still-broken' } },
        ]);
      }
      return same({ ...state, flow: { ...flow, status: 'unconfirmed', ...seen } }, [{ type: 'emit', event: { type: 'unconfirmed', ...common } }]);
    }

    case 'verify-failed':
      if (!sameAttempt(state, event.attempt, ['verifying'])) return none;
      return failFlow(state, event.error, flow.mode, []);

    case 'verified-elapsed':
      if (!sameAttempt(state, event.attempt, ['verified'])) return none;
      return same({ ...state, flow: { status: 'idle', attempt: flow.attempt } });

    case 'reset': {
      const effects: ReconnectEffect[] = [];
      const nextFlow = abandon(state, event.why ?? 'reset', effects);
      const nextRefresh = refresh.status === 'idle' ? refresh : { status: 'idle' as const, attempt: refresh.attempt };
      if (nextFlow === flow && nextRefresh === refresh) return none;
      return same({ ...state, flow: nextFlow, refresh: nextRefresh }, effects);
    }

    case 'refresh': {
      if (refresh.status === 'pending' || isFlowBusy(flow)) return none;
      const attempt = refresh.attempt + 1;
      return same({ ...state, refresh: { status: 'pending', attempt, pressed: event.pressed, basis: observationKey(state.connection) } }, [
        { type: 'request-refresh', attempt },
      ]);
    }

    case 'refresh-ok':
      if (refresh.status !== 'pending' || refresh.attempt !== event.attempt) return none;
      return same({ ...state, refresh: { ...refresh, status: 'done' } });

    case 'refresh-failed':
      if (refresh.status !== 'pending' || refresh.attempt !== event.attempt) return none;
      return same({ ...state, refresh: { ...refresh, status: 'failed', failure: refreshFailure(event.error), error: asError(event.error) } });

    case 'dismiss': {
      const info = PROMPT_STATE_INFO[event.state];
      if (!info.dismissible) return none;
      if (event.state === 'failed') {
        // A failure is put away, not remembered: back to what the status says.
        return same({
          ...state,
          flow: flow.status === 'failed' ? { status: 'idle', attempt: flow.attempt } : flow,
          refresh: refresh.status === 'failed' ? { status: 'idle', attempt: refresh.attempt } : refresh,
        });
      }
      // A result of the customer's own work is put away for that attempt only.
      if (event.state === 'unconfirmed') return flow.status === 'unconfirmed' ? same({ ...state, flow: { ...flow, dismissed: true } }) : none;
      if (event.state === 'refreshed') return refresh.status === 'done' ? same({ ...state, refresh: { ...refresh, dismissed: true } }) : none;
      if (info.soft) {
        const until = event.now + SOFT_SNOOZE_MS;
        return same({ ...state, snoozed: { ...state.snoozed, [event.state]: until } }, [{ type: 'persist-dismissal', state: event.state, until }]);
      }
      if (state.dismissed.includes(event.state)) return none;
      return same({ ...state, dismissed: [...state.dismissed, event.state] }, [{ type: 'persist-dismissal', state: event.state, until: undefined }]);
    }

    case 'shown': {
      if (!PROMPT_STATE_INFO[event.state].fromTable || state.shown.includes(event.state)) return none;
      const connection = state.connection;
      return same({ ...state, shown: [...state.shown, event.state] }, [
        { type: 'emit', event: { type: 'prompt_shown', status: connection?.status, reason: connection?.statusReason ?? null } },
      ]);
    }
  }
}
