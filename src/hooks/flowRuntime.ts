/**
 * The part of the reconnect flow that runs only after the customer acts:
 * opening Meld's widget (with its URL and message checks) and verifying the
 * repair. The engine's ports load it on demand through `loadFlowRuntime`, so
 * a page whose connections are healthy never downloads it. Internal.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { HostApi } from '../core/createHostClient.js';
import type { WidgetLaunchHandlers } from '../core/createReconnectController.js';
import type { WidgetMode } from '../core/reconnectMachine.js';
import type { Connection, RepairSession } from '../core/types.js';
import { verifyRepair, type ObservedStatus, type RepairVerification } from '../core/verifyRepair.js';
import { formatMessage, messageLookup } from '../i18n/messages.js';
import { widgetMessages } from '../i18n/widgetMessages.js';
import { openMeldWidget, type MeldWidgetHandle } from '../core/openMeldWidget.js';
import { subscribeToStatusChanges } from './applyStatusChange.js';
import { cachedConnection, writeConnection } from './connectionCache.js';
import type { EngineSettings } from './enginePorts.js';
import { getKitState } from './kitState.js';
import { warnRefusedWidgetUrl } from './warnRefusedWidgetUrl.js';

export interface OpenFlowWidgetOptions {
  settings: EngineSettings;
  connectionId: string;
  session: RepairSession;
  mode: WidgetMode;
  popupWindow: Window | null | undefined;
  returnFocusTo: HTMLElement | null;
  handlers: WidgetLaunchHandlers;
}

/**
 * Opens the widget for a repair session and reports its outcome to the
 * engine. Returns the handle (none in redirect mode: the page is leaving);
 * a launch that fails is reported through `handlers.error`.
 */
export function openFlowWidget(options: OpenFlowWidgetOptions): MeldWidgetHandle | undefined {
  const { settings, connectionId, session, mode, handlers } = options;
  const { widget } = settings;
  const t = messageLookup(settings.messages, widgetMessages);
  const institution = cachedConnection(settings.queryClient, connectionId)?.institutionName;
  const title = institution ? formatMessage(t('widget.title-with-institution'), { institution }) : t('widget.title');
  let opened: MeldWidgetHandle | undefined;
  const modeNow = () => opened?.mode ?? mode;
  try {
    opened = openMeldWidget({
      widgetUrl: session.widgetUrl,
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
        if (event.eventName === 'popup_blocked') handlers.popupBlocked();
      },
      onComplete: () => handlers.complete(modeNow()),
      onError: (error) => handlers.error(error, modeNow()),
      onClose: (reason) => {
        if (reason !== 'completed' && reason !== 'error') handlers.closed(reason, modeNow());
      },
    });
  } catch (error) {
    // The condition folds in a host's production build, which then drops the warning and its text.
    try {
      if (process.env.NODE_ENV !== 'production') warnRefusedWidgetUrl(error);
    } catch {
      // No `process` (a page with no bundler): not a development build.
    }
    handlers.error(error, mode);
    return undefined;
  }
  if (opened.mode === 'redirect') return undefined;
  handlers.opened(opened.mode);
  return opened;
}

export interface VerifyConnectionOptions {
  queryClient: QueryClient;
  hostApi: HostApi;
  connectionId: string;
  from: ObservedStatus;
  signal: AbortSignal;
  timeoutMs?: number | undefined;
  delaysMs?: readonly number[] | undefined;
}

function observed(connection: Connection | undefined): ObservedStatus | undefined {
  return connection ? { status: connection.status, statusReason: connection.statusReason ?? null } : undefined;
}

/**
 * Waits for the connection to leave its broken status: a push when the live
 * stream is open, otherwise a few one-shot reads (written to the cache).
 */
export function verifyConnection(options: VerifyConnectionOptions): Promise<RepairVerification> {
  const { queryClient, hostApi, connectionId } = options;
  const streamOpen = [...getKitState(queryClient).streams.values()].some((s) => s.state === 'open');
  return verifyRepair({
    from: options.from,
    initial: observed(cachedConnection(queryClient, connectionId)),
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    delaysMs: options.delaysMs,
    subscribe: streamOpen ? (listener) => subscribeToStatusChanges(queryClient, connectionId, listener) : undefined,
    readConnection: async (signal) => {
      const connection = await hostApi.getConnection(connectionId, { signal });
      // Both entries: a list showing the connection must learn it as a prompt does.
      writeConnection(queryClient, connection);
      return connection;
    },
  });
}
