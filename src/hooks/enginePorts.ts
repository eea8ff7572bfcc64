import type { QueryClient } from '@tanstack/react-query';
import type { ReconnectKitEvent } from '../core/analytics.js';
import type { HostApi } from '../core/createHostClient.js';
import type { ReconnectPorts, WidgetLaunch, WidgetLaunchHandlers } from '../core/createReconnectController.js';
import type { PromptState } from '../core/promptStates.js';
import { reconnectKitKeys } from '../core/queryKeys.js';
import type { WidgetMode } from '../core/reconnectMachine.js';
import type { RepairSession } from '../core/types.js';
import type { Messages } from '../i18n/messages.js';
import { preparePopup, type PreparedPopup } from '../core/preparePopup.js';
import { assertOperationAllowed, runGuardedOperation } from './guardedOperations.js';
import { getKitState } from './kitState.js';
import { loadFlowRuntime } from './loadFlowRuntime.js';
import type { DismissStorage, VerificationSettings, WidgetSettings } from './ReconnectKitContext.js';
import { requestRepairOnce } from './useRepairConnection.js';

/** What the engines of one provider read when they act (the provider's latest props). Internal. */
export interface EngineSettings {
  queryClient: QueryClient;
  hostApi: HostApi;
  messages: Partial<Messages>;
  widget: WidgetSettings;
  verification: VerificationSettings | undefined;
  emit: (event: ReconnectKitEvent) => void;
  dismissStorage: DismissStorage | null;
}

/** Where a dismissal is remembered: the session set (per QueryClient) or the storage, under one key. */
export function dismissalKey(connectionId: string, state: PromptState): string {
  return `meld-reconnect-kit:dismissed:${connectionId}:${state}`;
}

function activeElement(): HTMLElement | null {
  return typeof document !== 'undefined' && document.activeElement instanceof HTMLElement ? document.activeElement : null;
}

/** Prepares one launch in the customer's click; the launcher itself loads on demand. */
function prepareLaunch(settings: { current: EngineSettings }, connectionId: string, mode: WidgetMode): WidgetLaunch {
  const returnFocusTo = activeElement();
  // Popup blockers allow a window opened inside the click, not after the request returns.
  const { widget, hostApi } = settings.current;
  let popup: PreparedPopup | null | undefined = mode === 'popup' ? preparePopup({ relayUrl: widget.relayUrl ?? hostApi.widgetRelayUrl }) : undefined;
  let closed = false;
  let handle: { close(): void } | undefined;
  return {
    open(session: RepairSession, handlers: WidgetLaunchHandlers) {
      loadFlowRuntime().then(
        (runtime) => {
          if (closed) return;
          const opened = runtime.openFlowWidget({
            settings: settings.current,
            connectionId,
            session,
            mode,
            popup,
            returnFocusTo,
            handlers,
          });
          popup = undefined; // the launcher owns it now
          if (closed) opened?.close();
          else handle = opened;
        },
        (error: unknown) => {
          if (closed) return;
          popup?.close();
          handlers.error(error, mode);
        },
      );
    },
    close() {
      if (closed) return;
      closed = true;
      popup?.close();
      popup = undefined;
      handle?.close();
      handle = undefined;
    },
  };
}

/** The engine's ports over a provider's host API, query cache, launcher and storage. Internal. */
/** What a registry adds to the provider's settings: per-connection listeners and limits. */
export interface EnginePortExtras {
  emit(event: ReconnectKitEvent): void;
  verification(connectionId: string): VerificationSettings | undefined;
}

export function createEnginePorts(settings: { current: EngineSettings }, extras: EnginePortExtras): ReconnectPorts {
  return {
    repair: (connectionId) => requestRepairOnce(settings.current.queryClient, settings.current.hostApi, connectionId),
    refresh(connectionId) {
      const { queryClient, hostApi } = settings.current;
      // Checked here, synchronously, while the customer's click is still active.
      assertOperationAllowed(queryClient, 'refresh', connectionId);
      // Through the mutation cache under the connection's own key, so `useIsMutating` sees it.
      const mutation = queryClient.getMutationCache().build(queryClient, {
        mutationKey: reconnectKitKeys.refresh(connectionId),
        mutationFn: () => runGuardedOperation(queryClient, 'refresh', connectionId, () => hostApi.refreshConnection(connectionId)),
      });
      return mutation.execute(undefined);
    },
    launcher: { prepare: (mode, connectionId) => prepareLaunch(settings, connectionId, mode) },
    verify: (request) =>
      loadFlowRuntime().then((runtime) => {
        const { queryClient, hostApi, verification } = settings.current;
        return runtime.verifyConnection({ queryClient, hostApi, ...request, ...(extras.verification(request.connectionId) ?? verification) });
      }),
    clock: {
      now: () => Date.now(),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    emit(event) {
      extras.emit(event);
      settings.current.emit(event);
    },
    persistDismissal(connectionId, state, until) {
      const { queryClient, dismissStorage } = settings.current;
      const key = dismissalKey(connectionId, state);
      if (until !== undefined && dismissStorage) {
        try {
          dismissStorage.setItem(key, String(until));
          return;
        } catch {
          // storage full or denied: remember it for the session instead
        }
      }
      getKitState(queryClient).dismissed.add(key);
    },
  };
}
