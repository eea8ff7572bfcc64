/**
 * The kit's end of the widget relay (see `preparePopup`): hears the relay page
 * over its secret BroadcastChannel, sends it the widget to show, and notices
 * when the window is gone. Loaded only in popup mode. Internal.
 */
import { RELAY_CHANNEL_PREFIX, RELAY_PROTOCOL, type PreparedPopup } from './preparePopup.js';

/** What the relay page sends, once checked. */
export type RelayMessage =
  | { type: 'alive'; hidden: boolean; opened: boolean }
  | { type: 'message'; data: unknown }
  | { type: 'closed' };

/**
 * Reads one message from the relay channel: only `from: 'relay'` messages of
 * this protocol carrying the launch's secret count; anything else (another
 * script's message, a message from the kit's own side, a wrong or missing
 * nonce, an unknown type) is `null`.
 */
export function readRelayMessage(data: unknown, secret: string): RelayMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m.v !== RELAY_PROTOCOL || m.from !== 'relay' || typeof m.nonce !== 'string' || m.nonce !== secret || secret === '') return null;
  if (m.type === 'alive') return { type: 'alive', hidden: m.hidden === true, opened: m.opened === true };
  if (m.type === 'message') return { type: 'message', data: m.data };
  if (m.type === 'closed') return { type: 'closed' };
  return null;
}

/** What the relay shows: the checked widget URL, the origins whose messages count, and the page's names. */
export interface RelayWidget {
  widgetUrl: string;
  origins: readonly string[];
  title: string;
  lang?: string | undefined;
}

export interface LinkRelayOptions {
  popup: PreparedPopup;
  widget: RelayWidget;
  /** A message the widget posted, checked by the relay (origin and source); parse it. */
  onData: (data: unknown) => void;
  /** The window is gone: the customer closed it, or the relay stopped answering. */
  onClosed: () => void;
  /** The relay page never answered (not served, or blocked): the widget cannot show. */
  onFailed: (error: Error) => void;
  /** For tests. */
  now?: (() => number) | undefined;
  every?: ((callback: () => void, ms: number) => () => void) | undefined;
  channel?: ((name: string) => Pick<BroadcastChannel, 'postMessage' | 'close' | 'addEventListener'>) | undefined;
}

/** The relay says it is alive every second; this much silence (while it is visible) means it is gone. */
export const RELAY_SILENCE_MS = 6_000;
/** How long the relay page may take to load before the launch fails. */
export const RELAY_HELLO_MS = 20_000;
/** A window whose handle says closed, with no word from a relay, for this long was closed by the customer. */
export const RELAY_CLOSED_GRACE_MS = 2_500;
const CHECK_MS = 500;

/**
 * Links a prepared popup to the widget. Returns the teardown, which closes the
 * window (through `popup.close()`); after it, no callback fires.
 */
export function linkRelay(options: LinkRelayOptions): () => void {
  const { popup, widget } = options;
  const now = options.now ?? (() => Date.now());
  const every =
    options.every ??
    ((callback: () => void, ms: number) => {
      const timer = setInterval(callback, ms);
      return () => clearInterval(timer);
    });
  const channel = (options.channel ?? ((name: string) => new BroadcastChannel(name)))(RELAY_CHANNEL_PREFIX + popup.secret);
  const started = now();
  let heard: number | undefined;
  let hidden = false;
  let closedSince: number | undefined;
  let done = false;
  let stopTimer = () => {};

  const stop = () => {
    if (done) return false;
    done = true;
    stopTimer();
    channel.close();
    popup.close();
    return true;
  };
  const send = () =>
    channel.postMessage({ v: RELAY_PROTOCOL, from: 'kit', nonce: popup.secret, type: 'open', ...widget, origins: [...widget.origins] });

  channel.addEventListener('message', (event: MessageEvent) => {
    const message = done ? null : readRelayMessage(event.data, popup.secret);
    if (!message) return;
    heard = now();
    if (message.type === 'alive') {
      hidden = message.hidden;
      if (!message.opened) send();
    } else if (message.type === 'message') {
      options.onData(message.data);
    } else if (stop()) {
      options.onClosed();
    }
  });

  stopTimer = every(() => {
    const at = now();
    if (heard === undefined) {
      // Before the relay's first word the handle is the only sign: the relay's
      // isolation also makes it read closed, so wait a moment for the relay to speak.
      closedSince = popup.window.closed ? (closedSince ?? at) : undefined;
      if (closedSince !== undefined && at - closedSince >= RELAY_CLOSED_GRACE_MS) {
        if (stop()) options.onClosed();
      } else if (at - started >= RELAY_HELLO_MS && stop()) {
        options.onFailed(new Error(`meld-reconnect-kit: the widget relay page (${popup.relayUrl}) did not answer; serve it on this origin (createReconnectHandler does, at {basePath}/widget-relay).`));
      }
    } else if (!hidden && at - heard >= RELAY_SILENCE_MS && stop()) {
      options.onClosed();
    }
  }, CHECK_MS);

  return () => void stop();
}
