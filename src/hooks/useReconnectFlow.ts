import type { QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReconnectKitEvent, ReconnectKitEventType } from '../core/analytics.js';
import { classifyFlowError, type ReconnectFlowFailure } from '../core/flowFailure.js';
import type { RepairSession } from '../core/types.js';
import type { ObservedStatus } from '../core/verifyRepair.js';
import type { MeldWidgetHandle, WidgetMode } from '../core/openMeldWidget.js';
import { preparePopup } from '../core/preparePopup.js';
import { takeRedirectState } from '../core/redirectState.js';
import { cachedConnection } from './connectionCache.js';
import type { FlowContext } from './flowRuntime.js';
import { loadFlowRuntime } from './loadFlowRuntime.js';
import { useReconnectKit, type VerificationSettings } from './ReconnectKitContext.js';
import { requestRepairOnce } from './useRepairConnection.js';

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

export interface ReconnectFlowState {
  status: ReconnectFlowStatus;
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
  /** Funnel events of this flow (the provider's `onEvent` gets them too). */
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
  /** Back to `idle`, closing the widget and stopping verification. */
  reset: () => void;
  /** `requesting`, `widget-open` or `verifying`. */
  isBusy: boolean;
}

/** The connection's status as the cache knows it, if it knows it. */
function observedInCache(client: QueryClient, connectionId: string): ObservedStatus | undefined {
  const cached = cachedConnection(client, connectionId);
  return cached ? { status: cached.status, statusReason: cached.statusReason ?? null } : undefined;
}

/** Assumed when the cache knows nothing yet: the flow is only offered for broken connections. */
const ASSUMED_BROKEN: ObservedStatus = { status: 'RECONNECT_REQUIRED', statusReason: null };

/** Meld's connect tokens live 3 to 4 hours: an older session is never reused. */
const SESSION_MAX_AGE_MS = 3 * 60 * 60 * 1000;
const BUSY: ReadonlySet<ReconnectFlowStatus> = new Set(['requesting', 'widget-open', 'verifying']);

/**
 * Repair -> Meld's widget -> verification as one state machine:
 * `idle` -> `requesting` -> `widget-open` -> `verifying` -> `verified` |
 * `still-broken` | `unconfirmed`, or `cancelled` / `failed` (with
 * `failure`: `not-found` for a 404, `cannot-repair` for a 409 or a status that
 * forbids it, ...). Emits funnel events (`flow_started`, `widget_opened`,
 * `widget_completed`, `verified`, `abandoned`, `failed`, ...). A session
 * younger than 3 hours is reused when the customer reopens; an older one never.
 * Resumes verification when the customer returns from redirect mode.
 */
export function useReconnectFlow(connectionId: string, options: UseReconnectFlowOptions = {}): UseReconnectFlowResult {
  const kit = useReconnectKit('useReconnectFlow');
  const { hostApi, queryClient, messages, widget, verification: defaultVerification, emit: emitToProvider } = kit;
  const [state, setState] = useState<ReconnectFlowState>({ status: 'idle' });
  const latestOptions = useRef(options);
  useEffect(() => {
    latestOptions.current = options;
  });
  const busy = useRef(false);
  const mounted = useRef(true);
  const session = useRef<{ value: RepairSession; obtainedAt: number } | undefined>(undefined);
  const handle = useRef<MeldWidgetHandle | undefined>(undefined);
  const verification = useRef<AbortController | undefined>(undefined);
  const resumed = useRef<ReturnType<typeof takeRedirectState> | undefined>(undefined);

  const emit = useCallback(
    (type: ReconnectKitEventType, extra: Partial<ReconnectKitEvent> = {}) => {
      const event: ReconnectKitEvent = { type, connectionId, at: Date.now(), ...extra };
      latestOptions.current.onEvent?.(event);
      emitToProvider(event);
    },
    [connectionId, emitToProvider],
  );

  const settle = useCallback((next: ReconnectFlowState) => {
    busy.current = BUSY.has(next.status);
    if (mounted.current) setState(next);
  }, []);

  const fail = useCallback(
    (error: unknown, mode?: WidgetMode) => {
      const failure = classifyFlowError(error);
      emit('failed', { failure, mode });
      settle({ status: 'failed', failure, error: error instanceof Error ? error : new Error(String(error)), mode });
    },
    [emit, settle],
  );

  // Filled in below; the runtime reaches the hook's refs and setters through it.
  const context = useRef<FlowContext | undefined>(undefined);

  const verify = useCallback(
    (from: ObservedStatus, mode: WidgetMode | undefined) => {
      verification.current?.abort();
      const controller = new AbortController();
      verification.current = controller;
      settle({ status: 'verifying', mode });
      const limits = latestOptions.current.verification ?? defaultVerification;
      loadFlowRuntime().then(
        ({ verifyFlow }) => {
          if (context.current) verifyFlow(context.current, { from, mode, signal: controller.signal, ...limits });
        },
        (error: unknown) => {
          // The verifier could not load (offline): a failure the customer can retry.
          if (!controller.signal.aborted) fail(error, mode);
        },
      );
    },
    [defaultVerification, fail, settle],
  );

  useEffect(() => {
    context.current = { connectionId, queryClient, hostApi, messages, widget, emit, settle, fail, verify, session, handle };
  });

  const start = useCallback(
    (modeArg?: WidgetMode) => {
      if (busy.current) return;
      busy.current = true;
      const mode = modeArg ?? latestOptions.current.mode ?? widget.mode ?? 'dialog';
      const returnFocusTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      // Popup blockers allow a window opened inside the click, not after the request returns.
      const popupWindow = mode === 'popup' ? preparePopup() : undefined;
      const cached = cachedConnection(queryClient, connectionId);
      const from = observedInCache(queryClient, connectionId) ?? ASSUMED_BROKEN;
      emit('flow_started', { mode });
      settle({ status: 'requesting', mode });

      const reusable = session.current && Date.now() - session.current.obtainedAt < SESSION_MAX_AGE_MS ? session.current.value : undefined;
      const request = reusable
        ? Promise.resolve(reusable)
        : requestRepairOnce(queryClient, hostApi, connectionId).then((value) => {
            session.current = { value, obtainedAt: Date.now() };
            return value;
          });

      // The launcher loads alongside the request (usually the prompt has loaded it already).
      Promise.all([request, loadFlowRuntime()]).then(
        ([repair, { openFlowWidget }]) => {
          if (!busy.current || !mounted.current || !context.current) {
            popupWindow?.close();
            return;
          }
          openFlowWidget(context.current, { repair, mode, popupWindow, returnFocusTo, cached, from });
        },
        (error: unknown) => {
          popupWindow?.close();
          if (busy.current) fail(error, mode);
        },
      );
    },
    [connectionId, emit, fail, hostApi, queryClient, settle, widget],
  );

  const reset = useCallback(() => {
    busy.current = false;
    verification.current?.abort();
    handle.current?.close();
    handle.current = undefined;
    settle({ status: 'idle' });
  }, [settle]);

  // Back from redirect mode: pick up where the customer left. Keyed on the
  // connection only; the latest `verify` is read through a ref.
  const verifyRef = useRef(verify);
  useEffect(() => {
    verifyRef.current = verify;
  });
  useEffect(() => {
    if (resumed.current?.connectionId !== connectionId) resumed.current = takeRedirectState(connectionId);
    if (!resumed.current) return;
    verifyRef.current(observedInCache(queryClient, connectionId) ?? ASSUMED_BROKEN, 'redirect');
    const started = verification.current;
    return () => {
      if (verification.current === started) started?.abort();
    };
  }, [connectionId, queryClient]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      busy.current = false;
      verification.current?.abort();
      handle.current?.close();
    };
  }, []);

  return { ...state, start, reset, isBusy: BUSY.has(state.status) };
}
