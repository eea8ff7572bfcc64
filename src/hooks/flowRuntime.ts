/**
 * The part of the reconnect flow that runs only after the customer acts:
 * opening Meld's widget (with its URL and message checks) and verifying the
 * repair. `useReconnectFlow` loads it on demand through `loadFlowRuntime`, so
 * a page whose connections are healthy never downloads it. Internal.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { ReconnectKitEvent, ReconnectKitEventType } from '../core/analytics.js';
import type { HostApi } from '../core/createHostClient.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { Connection, RepairSession } from '../core/types.js';
import { verifyRepair, type ObservedStatus } from '../core/verifyRepair.js';
import { formatMessage, messageLookup, type Messages } from '../i18n/messages.js';
import { widgetMessages } from '../i18n/widgetMessages.js';
import { openMeldWidget, type MeldWidgetHandle, type WidgetMode } from '../core/openMeldWidget.js';
import { subscribeToStatusChanges } from './applyStatusChange.js';
import { cachedConnection } from './connectionCache.js';
import type { WidgetSettings } from './ReconnectKitContext.js';
import { getKitState } from './kitState.js';
import type { ReconnectFlowState } from './useReconnectFlow.js';

/** What a flow hands the runtime: its identity, its refs and its state setters. */
export interface FlowContext {
  connectionId: string;
  queryClient: QueryClient;
  hostApi: HostApi;
  messages: Partial<Messages>;
  widget: WidgetSettings;
  emit: (type: ReconnectKitEventType, extra?: Partial<ReconnectKitEvent>) => void;
  settle: (next: ReconnectFlowState) => void;
  fail: (error: unknown, mode?: WidgetMode) => void;
  /** Starts verification (through the hook, so that reset and unmount can stop it). */
  verify: (from: ObservedStatus, mode: WidgetMode | undefined) => void;
  /** The session in use; cleared once its token is spent or refused. */
  session: { current: unknown };
  handle: { current: MeldWidgetHandle | undefined };
}

export interface OpenFlowWidgetOptions {
  repair: RepairSession;
  mode: WidgetMode;
  popupWindow: Window | null | undefined;
  returnFocusTo: HTMLElement | null;
  /** The connection as cached when the customer clicked (for the dialog's title). */
  cached: Connection | undefined;
  /** The status the repair starts from (what verification compares against). */
  from: ObservedStatus;
}

/** Opens the widget for a repair session and wires its outcome to the flow. */
export function openFlowWidget(ctx: FlowContext, options: OpenFlowWidgetOptions): void {
  const { connectionId, widget, emit, settle, fail, session, handle } = ctx;
  const t = messageLookup(ctx.messages, widgetMessages);
  const { repair, mode, from, cached } = options;
  const title = cached?.institutionName
    ? formatMessage(t('widget.title-with-institution'), { institution: cached.institutionName })
    : t('widget.title');
  let opened: MeldWidgetHandle;
  try {
    opened = openMeldWidget({
      widgetUrl: repair.widgetUrl,
      mode,
      popupWindow: options.popupWindow,
      returnFocusTo: options.returnFocusTo,
      container: (typeof widget.container === 'function' ? widget.container(options.returnFocusTo) : widget.container) ?? undefined,
      title,
      closeLabel: t('widget.close'),
      allowedHosts: widget.allowedHosts,
      allowedOrigins: widget.allowedOrigins,
      redirect: { connectionId },
      onEvent: (event) => {
        if (event.eventName === 'popup_blocked') emit('popup_blocked', { mode });
      },
      onComplete: () => {
        session.current = undefined; // the token has been used
        emit('widget_completed', { mode: opened.mode });
        ctx.verify(from, opened.mode);
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
}

function observed(connection: Connection | undefined): ObservedStatus | undefined {
  return connection ? { status: connection.status, statusReason: connection.statusReason ?? null } : undefined;
}

export interface VerifyFlowOptions {
  from: ObservedStatus;
  mode: WidgetMode | undefined;
  signal: AbortSignal;
  timeoutMs?: number | undefined;
  delaysMs?: readonly number[] | undefined;
}

/**
 * Waits for the connection to leave its broken status (a push when the live
 * stream is open, otherwise a few one-shot reads) and settles the flow as
 * `verified`, `still-broken` or `unconfirmed`. Silent when aborted.
 */
export function verifyFlow(ctx: FlowContext, options: VerifyFlowOptions): void {
  const { connectionId, queryClient, hostApi, emit, settle } = ctx;
  const { mode } = options;
  const streamOpen = [...getKitState(queryClient).streams.values()].some((s) => s.state === 'open');
  verifyRepair({
    from: options.from,
    initial: observed(cachedConnection(queryClient, connectionId)),
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    delaysMs: options.delaysMs,
    subscribe: streamOpen ? (listener) => subscribeToStatusChanges(queryClient, connectionId, listener) : undefined,
    readConnection: async (signal) => {
      const connection = await hostApi.getConnection(connectionId, { signal });
      queryClient.setQueryData(reconnectKitKeys.detail(connectionId), connection);
      return connection;
    },
  }).then(
    (result) => {
      const seen = { connectionStatus: result.status, reason: result.reason, mode };
      const event = { mode, status: result.status, reason: result.reason };
      if (result.outcome === 'verified') {
        emit('verified', event);
        settle({ status: 'verified', ...seen });
      } else if (result.outcome === 'still-broken') {
        emit('failed', { ...event, failure: 'still-broken' });
        settle({ status: 'still-broken', failure: 'still-broken', ...seen });
      } else {
        emit('unconfirmed', event);
        settle({ status: 'unconfirmed', ...seen });
      }
    },
    () => {
      // Aborted by reset or unmount: nothing to report.
    },
  );
}
