import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  getStatusDecision,
  openMeldWidget,
  preparePopup,
  reconnectKitKeys,
  useDeleteConnection,
  type Connection,
  type MeldWidgetHandle,
  type WidgetMode,
} from 'meld-reconnect-kit';

export type NewConnectionState =
  | { status: 'idle' }
  | { status: 'requesting' | 'widget-open' | 'connected' | 'cancelled' | 'failed'; institution: string };

interface Options {
  mode: WidgetMode;
  allowedHosts: readonly string[];
}

/**
 * The host's side of `onStartNewConnection`: for what a repair cannot fix
 * (EXPIRED, a 409 from repair, UNRECOVERABLE), ask the demo backend for a new
 * Meld connection (`POST /api/demo/connect`, Meld's connect/start), open the
 * widget with the kit's launcher, and once it completes, show the new
 * connection and remove the one it replaces.
 */
export function useNewConnection({ mode, allowedHosts }: Options) {
  const queryClient = useQueryClient();
  const remove = useDeleteConnection();
  const [state, setState] = useState<NewConnectionState>({ status: 'idle' });
  const handle = useRef<MeldWidgetHandle | undefined>(undefined);
  const settings = useRef({ mode, allowedHosts, remove: remove.mutateAsync });
  useEffect(() => {
    settings.current = { mode, allowedHosts, remove: remove.mutateAsync };
  });
  useEffect(() => () => handle.current?.close(), []);

  // Called from the customer's click (the kit's "Connect again"), so a popup may open right here.
  const start = useCallback(
    (old: Connection) => {
      const { mode: currentMode, allowedHosts: hosts } = settings.current;
      handle.current?.close();
      const institution = old.institutionName ?? 'your bank';
      // INSTITUTION_DISABLED: the same bank cannot come back; let the customer pick another.
      const sameBank = getStatusDecision(old.status, old.statusReason).prompt !== 'choose-another-institution';
      // The kit's relay page, served by createReconnectHandler next to the API (see demo/server.ts).
      const popup = currentMode === 'popup' ? preparePopup({ relayUrl: '/api/meld/widget-relay' }) : undefined;
      setState({ status: 'requesting', institution });
      fetch('/api/demo/connect', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(sameBank && old.institutionId ? { institutionId: old.institutionId } : {}),
      })
        .then(async (response) => {
          if (!response.ok) throw new Error(`POST /api/demo/connect answered ${response.status}`);
          return (await response.json()) as { widgetUrl: string; connectionId: string };
        })
        .then(({ widgetUrl }) => {
          const opened = openMeldWidget({
            widgetUrl,
            mode: currentMode,
            popup,
            allowedHosts: hosts,
            title: sameBank ? `Connect ${institution} again` : 'Connect a bank',
            onComplete: () => {
              setState({ status: 'connected', institution });
              // The new connection replaces the old one: remove that, then read the list (with the new one).
              void settings.current
                .remove(old.id)
                .catch(() => undefined)
                .finally(() => queryClient.invalidateQueries({ queryKey: reconnectKitKeys.list() }));
            },
            onError: () => setState({ status: 'failed', institution }),
            onClose: (reason) => {
              if (handle.current === opened) handle.current = undefined;
              if (reason === 'closed-by-customer') setState({ status: 'cancelled', institution });
            },
          });
          handle.current = opened;
          setState((current) => (current.status === 'requesting' ? { status: 'widget-open', institution } : current));
        })
        .catch(() => {
          popup?.close();
          setState({ status: 'failed', institution });
        });
    },
    [queryClient],
  );

  const dismiss = useCallback(() => setState({ status: 'idle' }), []);
  return { state, start, dismiss };
}
