import type { WidgetMode } from './reconnectMachine.js';
import { parseWidgetMessage, type WidgetCompleteMetadata, type WidgetMessage } from './parseWidgetMessage.js';
import { validateWidgetUrl } from './validateWidgetUrl.js';
import { WidgetError } from './WidgetError.js';
import { widgetMessages } from './widgetMessages.js';
import { preparePopup, type PreparedPopup } from './preparePopup.js';
import { saveRedirectState } from './redirectState.js';
import { WIDGET_IFRAME_ALLOW, WIDGET_IFRAME_SANDBOX } from './widgetFrame.js';

export { WIDGET_IFRAME_ALLOW, WIDGET_IFRAME_SANDBOX };

/** How the widget is shown. */
export type { WidgetMode };

/** Why a widget closed. Every exit path reports exactly one. */
export type WidgetCloseReason = 'completed' | 'closed-by-customer' | 'closed-by-host' | 'error' | 'replaced';

/** Events the kit adds to Meld's own. */
export type WidgetKitEvent = { eventName: 'popup_blocked' } | { eventName: 'opened'; mode: WidgetMode };

export interface OpenMeldWidgetOptions {
  /** The repair session's `widgetUrl`; checked with `validateWidgetUrl` before anything opens. */
  widgetUrl: string;
  /** Defaults to `'dialog'`. */
  mode?: WidgetMode | undefined;
  /** Extra hosts the widget URL may use (see `validateWidgetUrl`). */
  allowedHosts?: readonly string[] | undefined;
  /** Extra origins whose messages count, besides the widget URL's own origin. */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * For popup mode: the window opened in the customer's click with
   * `preparePopup({ relayUrl })`, which shows the widget once the session has
   * arrived. `null` means it was blocked (or popup mode cannot work here); the
   * widget then opens as a dialog. Left out, `openMeldWidget` calls
   * `preparePopup({ relayUrl })` itself, which browsers block outside a click.
   */
  popup?: PreparedPopup | null | undefined;
  /** For popup mode without `popup`: the widget relay page on this origin (see `preparePopup`). */
  relayUrl?: string | undefined;
  /** Accessible name of the dialog and the iframe. */
  title?: string | undefined;
  /** Accessible name of the dialog's close button. */
  closeLabel?: string | undefined;
  /** Where focus returns when the dialog closes. Defaults to what had focus when it opened. */
  returnFocusTo?: HTMLElement | null | undefined;
  /** Where the dialog is attached. Defaults to `document.body`. */
  container?: HTMLElement | undefined;
  /** Skip the kit's layout styles (sizes, borders); the stylesheet or your CSS does it all. */
  unstyled?: boolean | undefined;
  /** For redirect mode: what to resume on return, and how to leave. */
  redirect?: { connectionId: string; storage?: Storage | undefined; navigate?: ((url: string) => void) | undefined } | undefined;
  onEvent?: ((event: WidgetMessage | WidgetKitEvent) => void) | undefined;
  onComplete?: ((metadata: WidgetCompleteMetadata) => void) | undefined;
  /** Meld's widget reported an error (a `WidgetError` of kind `widget-error`); `onClose('error')` follows. */
  onError?: ((error: WidgetError) => void) | undefined;
  onClose?: ((reason: WidgetCloseReason) => void) | undefined;
}

/** One launch of the widget. `close()` and `destroy()` are safe to call any number of times. */
export interface MeldWidgetHandle {
  /** The mode actually used (a blocked popup falls back to `'dialog'`). */
  readonly mode: WidgetMode;
  readonly isOpen: boolean;
  /** The dialog element, in dialog mode. */
  readonly element: HTMLDialogElement | undefined;
  /** Closes the widget as the host's decision (`onClose('closed-by-host')`). */
  close(): void;
  /** Same as `close()`; for symmetry with other SDKs' handles. */
  destroy(): void;
}

const NARROW_QUERY = '(max-width: 479.98px)';

let active: { end: (reason: WidgetCloseReason) => void } | undefined;

function setStyles(element: HTMLElement, styles: Record<string, string>): void {
  // CSSOM writes, not style attributes: allowed under a strict Content-Security-Policy.
  for (const [name, value] of Object.entries(styles)) element.style.setProperty(name, value);
}

function layout(dialog: HTMLDialogElement, frame: HTMLIFrameElement, narrow: boolean): void {
  setStyles(dialog, {
    padding: '0',
    border: '0',
    overflow: 'hidden',
    'box-sizing': 'border-box',
    background: 'var(--mrk-widget-bg, #fff)',
    // The close button inherits this; without it a dark theme drew a black X on a dark dialog.
    color: 'var(--mrk-on-surface, CanvasText)',
    'border-radius': narrow ? '0' : 'var(--mrk-widget-radius, 12px)',
    width: narrow ? '100vw' : '360px',
    height: narrow ? '100dvh' : 'calc(640px + 44px)',
    'max-width': narrow ? 'none' : '100vw',
    'max-height': narrow ? 'none' : '100dvh',
    margin: narrow ? '0' : 'auto',
  });
  setStyles(frame, { display: 'block', border: '0', width: '100%', height: 'calc(100% - 44px)' });
}

/** Builds and shows the dialog; every step it takes pushes its undo onto `undo`, so a failure half way can be undone. */
function buildDialog(url: URL, options: OpenMeldWidgetOptions, undo: (() => void)[], onCustomerClose: () => void) {
  const doc = document;
  const title = options.title ?? widgetMessages['widget.title'];
  const dialog = doc.createElement('dialog');
  dialog.className = 'mrk-widget-dialog';
  dialog.dataset.slot = 'widget-dialog';
  dialog.setAttribute('aria-label', title);

  const header = doc.createElement('div');
  header.dataset.slot = 'widget-header';
  const close = doc.createElement('button');
  close.type = 'button';
  close.className = 'mrk-widget-close';
  close.dataset.slot = 'widget-close';
  close.setAttribute('aria-label', options.closeLabel ?? widgetMessages['widget.close']);
  const icon = doc.createElementNS('http://www.w3.org/2000/svg', 'svg');
  icon.setAttribute('viewBox', '0 0 16 16');
  icon.setAttribute('width', '16');
  icon.setAttribute('height', '16');
  icon.setAttribute('aria-hidden', 'true');
  icon.setAttribute('focusable', 'false');
  const path = doc.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M3 3l10 10M13 3L3 13');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2');
  icon.append(path);
  close.append(icon);
  header.append(close);

  const frame = doc.createElement('iframe');
  frame.src = url.href;
  frame.title = title;
  frame.width = '360';
  frame.height = '640';
  frame.dataset.slot = 'widget-frame';
  frame.setAttribute('sandbox', WIDGET_IFRAME_SANDBOX);
  frame.setAttribute('allow', WIDGET_IFRAME_ALLOW);
  frame.referrerPolicy = 'strict-origin-when-cross-origin';
  dialog.append(header, frame);

  // These two listeners go with the removed dialog (and `end` runs once);
  // only the media query listener outlives it, so only that one is undone.
  const onCancel = (event: Event) => {
    event.preventDefault(); // Escape: close through the kit, so every path reports a reason
    onCustomerClose();
  };
  dialog.addEventListener('cancel', onCancel);
  close.addEventListener('click', onCustomerClose);

  const body = doc.body;
  const returnFocusTo = options.returnFocusTo ?? (doc.activeElement instanceof HTMLElement ? doc.activeElement : null);
  undo.push(() => {
    if (returnFocusTo?.isConnected) returnFocusTo.focus();
  });

  const previousOverflow = body.style.getPropertyValue('overflow');
  const previousPriority = body.style.getPropertyPriority('overflow');
  body.style.setProperty('overflow', 'hidden');
  undo.push(() => {
    if (previousOverflow) body.style.setProperty('overflow', previousOverflow, previousPriority);
    else body.style.removeProperty('overflow');
  });

  if (!options.unstyled) {
    setStyles(header, { display: 'flex', 'justify-content': 'flex-end', 'align-items': 'center', height: '44px', padding: '0 6px', 'box-sizing': 'border-box' });
    setStyles(close, { display: 'inline-flex', 'align-items': 'center', 'justify-content': 'center', width: '36px', height: '36px', border: '0', background: 'transparent', color: 'inherit', cursor: 'pointer', 'border-radius': '8px' });
    const media = window.matchMedia?.(NARROW_QUERY);
    const relayout = () => layout(dialog, frame, media?.matches ?? false);
    relayout();
    media?.addEventListener('change', relayout);
    undo.push(() => media?.removeEventListener('change', relayout));
  }

  // Attached outside the launcher's themed ancestor (by default at the end of
  // <body>), the dialog takes that theme itself; attached inside it, it inherits
  // the theme and any brand tokens set there, which its own attribute would reset.
  const container = options.container ?? body;
  const themed = returnFocusTo?.closest('[data-mrk-theme]');
  if (themed && !themed.contains(container)) dialog.setAttribute('data-mrk-theme', themed.getAttribute('data-mrk-theme') ?? '');
  container.append(dialog);
  undo.push(() => dialog.remove());

  // Where <dialog> has no methods (jsdom, so hosts' Testing Library suites), the
  // `open` attribute shows it and removing the attribute closes it.
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  undo.push(() => {
    if (!dialog.open) return;
    if (typeof dialog.close === 'function') dialog.close();
    else dialog.removeAttribute('open');
  });
  close.focus();

  return { dialog, frame };
}

/** Runs undo steps last first; one that throws does not stop the rest, so nothing is left behind. */
function undoAll(undo: (() => void)[]): void {
  for (let step = undo.pop(); step; step = undo.pop()) {
    try {
      step();
    } catch {
      // Teardown never throws: the next steps (scroll lock, the element) matter more than this one.
    }
  }
}

function closedHandle(mode: WidgetMode): MeldWidgetHandle {
  return { mode, isOpen: false, element: undefined, close() {}, destroy() {} };
}

/**
 * Opens Meld's widget at `widgetUrl` (a repair session goes straight to the
 * bank's login; the kit adds no picker). One widget per page: opening another
 * closes this one with `'replaced'`.
 *
 * Listens only to messages from the widget URL's origin (plus
 * `allowedOrigins`) and from the widget's own window, reads them with
 * `parseWidgetMessage`, closes on `connect_complete` and on `error`, and calls
 * `onClose` exactly once on every exit path.
 *
 * Popup mode shows the widget in the kit's relay page (see `preparePopup`):
 * the window has no `opener`, so no page it reaches can navigate or message
 * this tab; the relay makes the same origin and source checks as the dialog
 * and forwards the widget's messages over a channel only this launch knows.
 * The customer closing the window ends the launch with `closed-by-customer`;
 * a relay page that never answers ends it with a `WidgetError` of kind
 * `launch-failed` (`onError`, then `onClose('error')`).
 *
 * Throws `WidgetUrlError` (and
 * closes a prepared popup) when the URL is not safe to open. Throws a
 * `WidgetError` of kind `launch-failed` (the browser's error as `cause`) when
 * it could not show the widget (e.g. `showModal()` refused), with everything
 * it had done undone: no dialog, no scroll lock, no listener, and no
 * `onClose`, as it never opened. Where `<dialog>` has no
 * `showModal`/`close` (jsdom), the `open` attribute stands in for them.
 */
export function openMeldWidget(options: OpenMeldWidgetOptions): MeldWidgetHandle {
  let url: URL;
  try {
    url = validateWidgetUrl(options.widgetUrl, { allowedHosts: options.allowedHosts });
  } catch (error) {
    options.popup?.close();
    throw error;
  }
  active?.end('replaced');

  let mode: WidgetMode = options.mode ?? 'dialog';
  if (mode === 'redirect') {
    if (!options.redirect) throw new TypeError('meld-reconnect-kit: redirect mode needs redirect.connectionId to resume on return.');
    options.popup?.close();
    saveRedirectState(options.redirect.connectionId, options.redirect.storage);
    (options.redirect.navigate ?? ((href: string) => window.location.assign(href)))(url.href);
    return closedHandle('redirect');
  }

  let ended = false;
  let element: HTMLDialogElement | undefined;
  const undo: (() => void)[] = [];
  const origins = new Set([url.origin, ...(options.allowedOrigins ?? [])]);

  const end = (reason: WidgetCloseReason, error?: WidgetError) => {
    if (ended) return;
    ended = true;
    if (active === self) active = undefined;
    undoAll(undo);
    try {
      if (error) options.onError?.(error);
    } finally {
      options.onClose?.(reason);
    }
  };
  const self = { end };

  function deliver(data: unknown) {
    const message = ended ? null : parseWidgetMessage(data);
    if (!message) return;
    options.onEvent?.(message);
    if (message.eventName === 'connect_complete') {
      try {
        options.onComplete?.(message.metadata);
      } finally {
        end('completed');
      }
    } else if (message.eventName === 'error') {
      end('error', new WidgetError(message.metadata));
    }
  }

  try {
    if (mode === 'popup') {
      const popup = options.popup === undefined ? preparePopup({ relayUrl: options.relayUrl }) : options.popup;
      if (popup) {
        let unlink = () => popup.close();
        undo.push(() => unlink());
        const failed = (error: unknown) => end('error', new WidgetError('launch-failed', error));
        import('./popupRelay.js').then(({ linkRelay }) => {
          if (ended) return;
          unlink = linkRelay({
            popup,
            widget: { widgetUrl: url.href, origins: [...origins], title: options.title ?? widgetMessages['widget.title'], lang: document.documentElement.lang },
            onData: deliver,
            onClosed: () => end('closed-by-customer'),
            onFailed: failed,
          });
        }, failed);
      } else {
        options.onEvent?.({ eventName: 'popup_blocked' });
        mode = 'dialog';
      }
    }
    if (mode === 'dialog') {
      const built = buildDialog(url, options, undo, () => end('closed-by-customer'));
      element = built.dialog;
      // Only the widget's origin (plus allowedOrigins) and its own window count.
      const onMessage = (event: MessageEvent) => {
        if (origins.has(event.origin) && event.source === built.frame.contentWindow && event.source) deliver(event.data);
      };
      window.addEventListener('message', onMessage);
      undo.push(() => window.removeEventListener('message', onMessage));
    }
  } catch (error) {
    // Failed half way (e.g. showModal threw): undo what was done. It never opened, so no onClose.
    ended = true;
    undoAll(undo);
    throw new WidgetError('launch-failed', error);
  }

  active = self;
  const handle: MeldWidgetHandle = {
    mode,
    get isOpen() {
      return !ended;
    },
    element,
    close: () => end('closed-by-host'),
    destroy: () => end('closed-by-host'),
  };
  options.onEvent?.({ eventName: 'opened', mode });
  return handle;
}
