import type { WidgetErrorMetadata } from './parseWidgetMessage.js';

/**
 * What went wrong with Meld's widget:
 * - `widget-error`: Meld's widget reported an error (`eventName: 'error'`);
 *   `reason` and `details` are Meld's metadata
 * - `launch-failed`: the kit could not show the widget (e.g. the browser
 *   refused `showModal()`); `cause` is the original error
 */
export type WidgetErrorKind = 'widget-error' | 'launch-failed';

/** Meld's widget failed, or could not be shown. Check with `instanceof WidgetError` and branch on `kind`. */
export class WidgetError extends Error {
  override readonly name = 'WidgetError';
  readonly kind: WidgetErrorKind;
  /** For `widget-error`: Meld's `reason`. */
  readonly reason: string | undefined;
  /** For `widget-error`: Meld's `details`. */
  readonly details: string | undefined;

  /** Meld's widget reported an error (`kind: 'widget-error'`). */
  constructor(metadata: WidgetErrorMetadata);
  /** The kit could not show the widget; `cause` is what was thrown. */
  constructor(kind: 'launch-failed', cause: unknown);
  constructor(source: WidgetErrorMetadata | 'launch-failed', cause?: unknown) {
    // A string, never Meld's metadata (an object), says which: the widget's data cannot pose as a launch failure.
    if (typeof source === 'string') {
      // Not `instanceof Error`: a DOMException from another realm (a frame, jsdom) is not one.
      const said = (cause as { message?: unknown } | null | undefined)?.message;
      super(`meld-reconnect-kit: could not show Meld's widget${typeof said === 'string' ? `: ${said}` : ''}`, { cause });
      this.kind = source;
      this.reason = this.details = undefined;
    } else {
      super(`Meld's widget reported an error${source.reason ? `: ${source.reason}` : ''}${source.details ? ` (${source.details})` : ''}`);
      this.kind = 'widget-error';
      this.reason = source.reason;
      this.details = source.details;
    }
  }
}
