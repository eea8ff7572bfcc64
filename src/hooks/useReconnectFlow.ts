import { useEffect, useMemo, useRef } from 'react';
import type { ReconnectKitEvent } from '../core/analytics.js';
import type { ReconnectFlowFailure } from '../core/flowFailure.js';
import { isFlowBusy, type FlowSnapshot, type ReconnectFlowStatus, type WidgetMode } from '../core/reconnectMachine.js';
import { useReconnectKit, type VerificationSettings } from './ReconnectKitContext.js';
import { useConnectionEngine } from './useConnectionEngine.js';
import { useResumeAfterRedirect } from './useResumeAfterRedirect.js';

export type { ReconnectFlowStatus };

export interface ReconnectFlowState {
  status: ReconnectFlowStatus;
  /** Which start this is (1, 2, ...); answers for an earlier attempt are ignored. */
  attempt: number;
  /** The widget mode in use (a blocked popup becomes `'dialog'`). */
  mode?: WidgetMode | undefined;
  /** For `failed` (and `still-broken`): why, in words a UI can map to copy. */
  failure?: ReconnectFlowFailure | undefined;
  /** For `failed`: the typed error (HostApiError, OperationNotAllowedError, WidgetUrlError, WidgetError). */
  error?: Error | undefined;
  /** For `verified`, `still-broken`, `unconfirmed`: the status and reason last seen. */
  connectionStatus?: string | undefined;
  reason?: string | null | undefined;
}

export interface UseReconnectFlowOptions {
  /** Widget mode for `start()` without an argument. Defaults to the provider's, else `'dialog'`. */
  mode?: WidgetMode | undefined;
  /** Funnel events of this connection's flows (the provider's `onEvent` gets them too). */
  onEvent?: ((event: ReconnectKitEvent) => void) | undefined;
  /** Verification limits after the widget completes; defaults 30 s, reads at 1/3/7/15/30 s. */
  verification?: VerificationSettings | undefined;
}

export interface UseReconnectFlowResult extends ReconnectFlowState {
  /**
   * Starts repair -> widget -> verification. Call it from the customer's click:
   * popup mode opens its window right there. Ignored while a flow is under way.
   */
  start: (mode?: WidgetMode) => void;
  /** Back to `idle`, closing the widget and stopping verification (a busy flow is reported `abandoned`). */
  reset: () => void;
  /** `requesting`, `widget-open` or `verifying`. */
  isBusy: boolean;
}

/**
 * Repair -> Meld's widget -> verification for one connection:
 * `idle` -> `requesting` -> `widget-open` -> `verifying` -> `verified` |
 * `still-broken` | `unconfirmed`, or `cancelled` / `failed` (with `failure`:
 * `not-found` for a 404, `cannot-repair` for a 409 or a status that forbids
 * it, ...). The flow belongs to the connection, not to the component: every
 * prompt and hook showing the connection sees the same one, and a start while
 * one runs is ignored. Each start is an attempt; answers for an earlier one
 * change nothing. Emits funnel events (`flow_started`, `widget_opened`,
 * `widget_completed`, `verified`, `abandoned`, `failed`, ...), each started
 * flow ending in exactly one of `verified`, `unconfirmed`, `abandoned`,
 * `failed`. A session younger than 3 hours is reused when the customer
 * reopens; an older one never. Resumes verification when the customer returns
 * from redirect mode.
 */
export function useReconnectFlow(connectionId: string, options: UseReconnectFlowOptions = {}): UseReconnectFlowResult {
  const kit = useReconnectKit('useReconnectFlow');
  const { registry, controller, snapshot } = useConnectionEngine(kit, connectionId);
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const hasOnEvent = Boolean(options.onEvent);
  useEffect(() => (hasOnEvent ? registry.onEvent(connectionId, (event) => latest.current.onEvent?.(event)) : undefined), [registry, connectionId, hasOnEvent]);
  const { verification } = options;
  useEffect(() => {
    registry.setVerification(connectionId, verification);
    return () => registry.setVerification(connectionId, undefined);
  }, [registry, connectionId, verification]);
  useResumeAfterRedirect(controller);

  const { flow } = snapshot;
  const actions = useMemo(
    () => ({
      start: (mode?: WidgetMode) => controller.start({ mode: mode ?? latest.current.mode }),
      reset: () => controller.reset(),
    }),
    [controller],
  );
  return { ...flowState(flow), ...actions };
}

/** A flow's state as the hooks hand it out. Internal. */
export function flowState(flow: FlowSnapshot): Omit<UseReconnectFlowResult, 'start' | 'reset'> {
  return {
    status: flow.status,
    attempt: flow.attempt,
    mode: flow.mode,
    failure: flow.failure,
    error: flow.error,
    connectionStatus: flow.connectionStatus,
    reason: flow.reason,
    isBusy: isFlowBusy(flow),
  };
}
