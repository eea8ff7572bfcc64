import { getStatusDecision, type StatusDecision } from './getStatusDecision.js';
import { PROMPT_STATE_INFO, type PromptOffer, type PromptState } from './promptStates.js';
import { isFlowBusy, observationKey, type PromptFailure, type PromptVariant, type ReconnectSnapshot } from './reconnectMachine.js';
import type { Renewal } from './getRenewal.js';
import { isPromptDue, isRenewalPromptDue } from './isPromptDue.js';
import type { Severity } from './statuses.js';

export { isPromptDue, isRenewalPromptDue };
import type { Connection } from './types.js';

/** How one view looks at a connection. */
export interface PromptViewOptions {
  variant: PromptVariant;
  showOutages?: boolean | undefined;
  /** Snoozes kept in storage apply only once hydrated (the server cannot see them). */
  hydrated: boolean;
  /** Compared with stored snoozes. */
  now: number;
  /** Whether the host can start a new connection (`onStartNewConnection`). */
  canStartNew: boolean;
  /** The connection as this view was given it, when newer than the engine's. */
  connection?: Connection | undefined;
  /** The connection's renewal as the host reads it (see `getRenewal`), if it reads one. */
  renewal?: Renewal | undefined;
  /** Show `renewal-due` this many days before `renewal.renewBy` while Meld still says ACTIVE. */
  renewalPromptDays?: number | undefined;
}

/** An offered action as a view shows it. */
export interface DerivedAction extends PromptOffer {
  /** The action the customer pressed, while what it started is under way. */
  pending: boolean;
}

/** What one view of a connection shows. */
export interface DerivedPrompt {
  state: PromptState;
  connection: Connection | undefined;
  decision: StatusDecision;
  failure: PromptFailure | undefined;
  actions: readonly DerivedAction[];
  dismissible: boolean;
  severity: Severity;
  politeness: 'polite' | 'assertive';
}

const NO_RETRY: ReadonlySet<PromptFailure> = new Set(['not-found', 'unsafe-widget-url', 'not-allowed']);

/** The state before dismissals: the view's flow, then a refresh, then the status table. */
function stateFor(snapshot: ReconnectSnapshot, connection: Connection | undefined, decision: StatusDecision, view: PromptViewOptions): [PromptState, PromptFailure | undefined] {
  const { flow, refresh } = snapshot;
  const flowShows = flow.variant === undefined || flow.variant === view.variant;
  if (flowShows) {
    if (flow.status === 'failed') return flow.failure === 'cannot-repair' ? ['start-new-connection', undefined] : ['failed', flow.failure];
    if (flow.status !== 'idle' && flow.status !== 'cancelled') return [flow.status, undefined];
  }
  const due: PromptState = isPromptDue(decision.prompt, view.variant, view.showOutages)
    ? (decision.prompt as PromptState)
    : isRenewalPromptDue(decision, view.variant, view.renewal, view.renewalPromptDays)
      ? 'renewal-due'
      : 'hidden';
  if (view.variant === 'banner') {
    if (refresh.status === 'pending') return ['refreshing', undefined];
    if (refresh.status === 'failed') return ['failed', refresh.failure];
    if (refresh.status === 'done' && refresh.basis === observationKey(connection)) {
      if (due === 'partial-data') return ['partial-data-persists', undefined];
      if (due === 'institution-action') return ['refreshed', undefined];
    }
  }
  return [due, undefined];
}

function isDismissed(snapshot: ReconnectSnapshot, state: PromptState, view: PromptViewOptions): boolean {
  const info = PROMPT_STATE_INFO[state];
  if (!info.dismissible) return false;
  if (state === 'unconfirmed') return snapshot.flow.dismissed === true;
  if (state === 'refreshed') return snapshot.refresh.dismissed === true;
  if (snapshot.dismissed.includes(state)) return true;
  const until = snapshot.snoozed[state];
  return info.soft && view.hydrated && until !== undefined && until > view.now;
}

/**
 * What one view (a banner, a new-accounts prompt, a custom hook user) shows
 * for a connection's engine state. Pure; the same input always gives the same prompt.
 */
export function derivePrompt(snapshot: ReconnectSnapshot, view: PromptViewOptions): DerivedPrompt {
  const connection = view.connection ?? snapshot.connection;
  const decision = getStatusDecision(connection?.status, connection?.statusReason);
  let [state, failure] = stateFor(snapshot, connection, decision, view);
  if (isDismissed(snapshot, state, view)) [state, failure] = ['hidden', undefined];
  const info = PROMPT_STATE_INFO[state];

  let actions: DerivedAction[];
  if (info.busy) {
    const pressed = isFlowBusy(snapshot.flow) ? snapshot.flow.pressed : snapshot.refresh.pressed;
    actions = pressed ? [{ ...pressed, pending: true }] : [];
  } else if (state === 'failed' && failure !== undefined && NO_RETRY.has(failure)) {
    actions = [];
  } else {
    // A flow started from the other kind of prompt is under way: nothing but starting anew can run meanwhile.
    const otherFlowBusy = isFlowBusy(snapshot.flow);
    actions = info.offers
      .filter((offer) => (offer.does === 'start-new' ? view.canStartNew && connection !== undefined : !otherFlowBusy))
      .map((offer) => ({ ...offer, pending: false }));
  }

  const politeness = info.alert ? 'assertive' : 'polite';
  const severity: Severity = info.informational ? 'info' : info.alert ? 'critical' : decision.severity;
  return { state, connection, decision, failure, actions, dismissible: info.dismissible, severity, politeness };
}
