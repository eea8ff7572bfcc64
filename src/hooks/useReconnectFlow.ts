import type { QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReconnectKitEvent, ReconnectKitEventType } from '../core/analytics.js';
import { classifyFlowError, type ReconnectFlowFailure } from '../core/flowFailure.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { RepairSession } from '../core/types.js';
import { verifyRepair, type ObservedStatus } from '../core/verifyRepair.js';
import { formatMessage } from '../i18n/messages.js';
import { openMeldWidget, preparePopup, type MeldWidgetHandle, type WidgetMode } from '../widget/openMeldWidget.js';
import { takeRedirectState } from '../widget/redirectState.js';
import { subscribeToStatusChanges } from './applyStatusChange.js';
import { cachedConnection } from './connectionCache.js';
import { getKitState } from './kitState.js';
import { useReconnectKit } from './ReconnectKitContext.js';
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
  verification?: { timeoutMs?: number | undefined; delaysMs?: readonly number[] | undefined } | undefined;
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
  const { hostApi, queryClient, messages, widget, emit: emitToProvider } = kit;
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

  const verify = useCallback(
    (from: ObservedStatus, mode: WidgetMode | undefined) => {
      verification.current?.abort();
      const controller = new AbortController();
      verification.current = controller;
      settle({ status: 'verifying', mode });
      const streamOpen = [...getKitState(queryClient).streams.values()].some((s) => s.state === 'open');
      const limits = latestOptions.current.verification;
      verifyRepair({
        from,
        initial: observedInCache(queryClient, connectionId),
        signal: controller.signal,
        timeoutMs: limits?.timeoutMs,
        delaysMs: limits?.delaysMs,
        subscribe: streamOpen ? (listener) => subscribeToStatusChanges(queryClient, connectionId, listener) : undefined,
        readConnection: async (signal) => {
          const connection = await hostApi.getConnection(connectionId, { signal });
          queryClient.setQueryData(reconnectKitKeys.detail(connectionId), connection);
          return connection;
        },
      }).then(
        (result) => {
          const seen = { connectionStatus: result.status, reason: result.reason, mode };
          if (result.outcome === 'verified') {
            emit('verified', { mode, status: result.status, reason: result.reason });
            settle({ status: 'verified', ...seen });
          } else if (result.outcome === 'still-broken') {
            emit('failed', { mode, failure: 'still-broken', status: result.status, reason: result.reason });
            settle({ status: 'still-broken', failure: 'still-broken', ...seen });
          } else {
            emit('unconfirmed', { mode, status: result.status, reason: result.reason });
            settle({ status: 'unconfirmed', ...seen });
          }
        },
        () => {
          // Aborted by reset or unmount: nothing to report.
        },
      );
    },
    [connectionId, emit, hostApi, queryClient, settle],
  );

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

      request.then(
        (repair) => {
          if (!busy.current || !mounted.current) {
            popupWindow?.close();
            return;
          }
          const title = cached?.institutionName
            ? formatMessage(messages['widget.titleWithInstitution'], { institution: cached.institutionName })
            : messages['widget.title'];
          let opened: MeldWidgetHandle;
          try {
            opened = openMeldWidget({
              widgetUrl: repair.widgetUrl,
              mode,
              popupWindow,
              returnFocusTo,
              title,
              closeLabel: messages['widget.close'],
              allowedHosts: widget.allowedHosts,
              allowedOrigins: widget.allowedOrigins,
              redirect: { connectionId },
              onEvent: (event) => {
                if (event.eventName === 'popup_blocked') emit('popup_blocked', { mode });
              },
              onComplete: () => {
                session.current = undefined; // the token has been used
                emit('widget_completed', { mode: opened.mode });
                verify(from, opened.mode);
              },
              onError: (error) => {
                session.current = undefined;
                fail(error, opened.mode);
              },
              onClose: (reason) => {
                if (handle.current === opened) handle.current = undefined;
                if (reason === 'closed-by-customer' || reason === 'replaced') {
                  emit('abandoned', { mode: opened.mode, closeReason: reason });
                  settle({ status: 'cancelled', mode: opened.mode });
                }
              },
            });
          } catch (error) {
            session.current = undefined;
            fail(error, mode);
            return;
          }
          if (opened.mode === 'redirect') return; // the page is leaving
          handle.current = opened;
          emit('widget_opened', { mode: opened.mode });
          settle({ status: 'widget-open', mode: opened.mode });
        },
        (error: unknown) => {
          popupWindow?.close();
          if (busy.current) fail(error, mode);
        },
      );
    },
    [connectionId, emit, fail, hostApi, messages, queryClient, settle, verify, widget],
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
