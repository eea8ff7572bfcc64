/**
 * The kit's end of the widget relay (see `preparePopup`): hears the relay page
 * over its secret BroadcastChannel, sends it the widget to show, and notices
 * when the window is gone. Loaded only in popup mode. Internal.
 */
import { RELAY_CHANNEL_PREFIX, RELAY_PROTOCOL, type PreparedPopup } from './preparePopup.js';

/** What the relay page sends, once checked (its other fields: `v`, `from`, `nonce`). */
export type RelayMessage =
  | { type: 'alive'; hidden?: unknown; opened?: unknown }
  | { type: 'message'; data: unknown }
  | { type: 'closed' };

const TYPES: readonly unknown[] = ['alive', 'message', 'closed'];

/**
 * Reads one message from the relay channel: only `from: 'relay'` messages of
 * this protocol carrying the launch's secret count; anything else (another
 * script's message, a message from the kit's own side, a wrong or missing
 * nonce, an unknown type) is `null`.
 */
export function readRelayMessage(data: unknown, secret: string): RelayMessage | null {
  const m = data as Record<string, unknown> | null;
  return typeof m === 'object' && m?.v === RELAY_PROTOCOL && m.from === 'relay' && m.nonce === secret && secret !== '' && TYPES.includes(m.type)
    ? (m as unknown as RelayMessage)
    : null;
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
  const channel = new BroadcastChannel(RELAY_CHANNEL_PREFIX + popup.secret);
  const started = Date.now();
  let heard: number | undefined;
  let hidden = false;
  let closedSince: number | undefined;
  let done = false;

  const stop = () => {
    if (done) return false;
    done = true;
    clearInterval(timer);
    channel.close();
    popup.close();
    return true;
  };
  const send = () =>
    channel.postMessage({ v: RELAY_PROTOCOL, from: 'kit', nonce: popup.secret, type: 'open', ...widget });

  channel.addEventListener('message', (event: MessageEvent) => {
    const message = done ? null : readRelayMessage(event.data, popup.secret);
    if (!message) return;
    heard = Date.now();
    if (message.type === 'alive') {
      hidden = message.hidden === true;
      if (message.opened !== true) send();
    } else if (message.type === 'message') {
      options.onData(message.data);
    } else if (stop()) {
      options.onClosed();
    }
  });

  // A relay already listening shows the widget now; one still loading asks again (its `alive` says `opened: false`).
  send();
  // Declared after `stop` uses it: nothing can call `stop` before this line runs (channel messages are async).
  const timer = setInterval(() => {
    const at = Date.now();
    if (heard === undefined) {
      // Before the relay's first word the handle is the only sign: the relay's
      // isolation also makes it read closed, so wait a moment for the relay to speak.
      closedSince = popup.window.closed ? (closedSince ?? at) : undefined;
      if (closedSince !== undefined && at - closedSince >= RELAY_CLOSED_GRACE_MS) {
        if (stop()) options.onClosed();
      } else if (at - started >= RELAY_HELLO_MS && stop()) {
        options.onFailed(new Error(`meld-reconnect-kit: no answer from the widget relay page ${popup.relayUrl}`));
      }
    } else if (!hidden && at - heard >= RELAY_SILENCE_MS && stop()) {
      options.onClosed();
    }
  }, CHECK_MS);

  return () => void stop();
}
