// The reconnect engine without React, as Docs / Widget and reconnect flow shows it.
// Type-checked with the stories, so the page cannot drift from the real signatures.
import {
  createHostClient,
  createReconnectController,
  derivePrompt,
  openMeldWidget,
  preparePopup,
  verifyRepair,
  type Connection,
  type MeldWidgetHandle,
  type ReconnectController,
  type ReconnectKitEvent,
  type ReconnectPorts,
  type WidgetLauncherPort,
} from '../../src/core/index.js';

const hostApi = createHostClient({ baseUrl: '/api/meld' });

// Opens Meld's widget with the kit's launcher. `prepare` runs inside the
// customer's click, so a popup window opened there is not blocked. The popup
// loads the kit's relay page (`GET /api/meld/widget-relay`, served by
// createReconnectHandler), which shows the widget without giving it a way back to this tab.
const launcher: WidgetLauncherPort = {
  prepare(mode) {
    let popup = mode === 'popup' ? preparePopup({ relayUrl: hostApi.widgetRelayUrl }) : undefined;
    let handle: MeldWidgetHandle | undefined;
    let closed = false;
    return {
      open(session, report) {
        if (closed) return;
        const modeNow = () => handle?.mode ?? mode;
        try {
          handle = openMeldWidget({
            widgetUrl: session.widgetUrl,
            mode,
            popup,
            onEvent: (event) => {
              if (event.eventName === 'popup_blocked') report.popupBlocked();
            },
            onComplete: () => report.complete(modeNow()),
            onError: (error) => report.error(error, modeNow()),
            onClose: (reason) => {
              // `completed` and `error` were reported above.
              if (reason !== 'completed' && reason !== 'error') report.closed(reason, modeNow());
            },
          });
          popup = undefined; // the handle owns it now
          report.opened(handle.mode);
        } catch (error) {
          report.error(error, mode); // a refused URL, or a dialog the browser would not show
        }
      },
      close() {
        closed = true;
        popup?.close();
        handle?.close();
      },
    };
  },
};

/** One engine for one connection; share it between every view of that connection. */
export function createConnectionEngine(connection: Connection, onEvent: (event: ReconnectKitEvent) => void): ReconnectController {
  const ports: ReconnectPorts = {
    repair: (connectionId) => hostApi.repairConnection(connectionId),
    refresh: (connectionId) => hostApi.refreshConnection(connectionId),
    launcher,
    // No live stream here: a few one-shot reads until the status changes (30 s at most).
    verify: ({ connectionId, from, signal }) =>
      verifyRepair({ from, signal, readConnection: (readSignal) => hostApi.getConnection(connectionId, { signal: readSignal }) }),
    clock: {
      now: () => Date.now(),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
    },
    emit: onEvent,
  };
  return createReconnectController(connection.id, ports, { connection });
}

/** What a banner-like view shows now: the prompt state and the actions it offers. */
export function bannerView(engine: ReconnectController): { state: string; actions: string[] } {
  const prompt = derivePrompt(engine.getSnapshot(), { variant: 'banner', hydrated: true, now: Date.now(), canStartNew: false });
  return { state: prompt.state, actions: prompt.actions.map((action) => action.id) };
}

/** Wiring it to a plain button: returns the clean-up. */
export function mountBanner(
  connection: Connection,
  button: HTMLButtonElement,
  output: HTMLElement,
  track: (event: ReconnectKitEvent) => void,
): () => void {
  const engine = createConnectionEngine(connection, track);
  const render = () => {
    const { state, actions } = bannerView(engine);
    output.dataset.state = state;
    button.hidden = !actions.includes('reconnect');
  };
  const unsubscribe = engine.subscribe(render);
  render();
  // In the click itself: popup mode opens its window here.
  const onClick = () => engine.start({ mode: 'popup' });
  button.addEventListener('click', onClick);
  return () => {
    button.removeEventListener('click', onClick);
    unsubscribe();
    engine.dispose(); // a busy flow ends as `abandoned`; nothing is left running
  };
}
