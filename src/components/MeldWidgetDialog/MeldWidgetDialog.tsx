import { useEffect, useRef } from 'react';
import type { OpenMeldWidgetOptions, WidgetCloseReason } from '../../core/openMeldWidget.js';
import type { WidgetCompleteMetadata } from '../../core/parseWidgetMessage.js';
import { WidgetUrlError } from '../../core/validateWidgetUrl.js';
import { WidgetError } from '../../core/WidgetError.js';
import { useMeldWidget } from '../../hooks/useMeldWidget.js';

export interface MeldWidgetDialogProps
  extends Pick<OpenMeldWidgetOptions, 'title' | 'closeLabel' | 'allowedHosts' | 'allowedOrigins' | 'unstyled' | 'onEvent'> {
  /** The repair session's widget URL. */
  widgetUrl: string;
  /** Controlled open state. Defaults to `true` (open while mounted). */
  open?: boolean | undefined;
  /** Called with `false` when the customer closes it, it completes, or it fails. */
  onOpenChange?: ((open: boolean) => void) | undefined;
  onComplete?: ((metadata: WidgetCompleteMetadata) => void) | undefined;
  /**
   * Something kept the widget from working: a `WidgetUrlError` when the URL
   * was refused before opening; a `WidgetError` of kind `widget-error` when
   * Meld's widget reported an error, or of kind `launch-failed` when the
   * widget could not be shown (the original error as `cause`).
   */
  onError?: ((error: WidgetError | WidgetUrlError) => void) | undefined;
  onClose?: ((reason: WidgetCloseReason) => void) | undefined;
}

/**
 * Meld's widget in a native modal `<dialog>`: 360 x 640 on desktop, full
 * screen under 480 px, a labelled close button (Meld documents no exit
 * event), Escape closes, focus moves in and returns to the trigger, page
 * scroll is locked and restored, and the iframe keeps the sandbox permissions
 * banks' OAuth popups need. Renders nothing in place: the dialog lives in the
 * top layer.
 *
 * @example
 * <MeldWidgetDialog widgetUrl={session.widgetUrl} open={open} onOpenChange={setOpen} onComplete={verify} />
 */
export function MeldWidgetDialog(props: MeldWidgetDialogProps) {
  const { widgetUrl, open = true } = props;
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });
  const widget = useMeldWidget({
    title: props.title,
    closeLabel: props.closeLabel,
    allowedHosts: props.allowedHosts,
    allowedOrigins: props.allowedOrigins,
    unstyled: props.unstyled,
    onEvent: (event) => latest.current.onEvent?.(event),
    onComplete: (metadata) => latest.current.onComplete?.(metadata),
    onError: (error) => latest.current.onError?.(error),
    onClose: (reason) => {
      latest.current.onClose?.(reason);
      // Closing because `open` went false or the dialog unmounted is the host's own doing.
      if (reason !== 'closed-by-host') latest.current.onOpenChange?.(false);
    },
  });
  const { open: openWidget } = widget;

  useEffect(() => {
    if (!open) return;
    let handle: ReturnType<typeof openWidget> | undefined;
    try {
      handle = openWidget(widgetUrl);
    } catch (error) {
      const reported = error instanceof WidgetUrlError || error instanceof WidgetError ? error : new WidgetError('launch-failed', error);
      latest.current.onError?.(reported);
      latest.current.onOpenChange?.(false);
      return;
    }
    return () => handle?.close();
  }, [open, widgetUrl, openWidget]);

  return null;
}
