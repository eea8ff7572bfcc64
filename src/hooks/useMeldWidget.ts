import { useCallback, useContext, useEffect, useRef, useState } from 'react';
import { messageLookup } from '../i18n/messages.js';
import { widgetMessages } from '../i18n/widgetMessages.js';
import { ReconnectKitContext } from './ReconnectKitContext.js';
import { warnRefusedWidgetUrl } from './warnRefusedWidgetUrl.js';
import {
  openMeldWidget,
  type MeldWidgetHandle,
  type OpenMeldWidgetOptions,
  type WidgetCloseReason,
  type WidgetMode,
} from '../core/openMeldWidget.js';

type Callbacks = Pick<OpenMeldWidgetOptions, 'onEvent' | 'onComplete' | 'onError' | 'onClose'>;

export type UseMeldWidgetOptions = Callbacks &
  Pick<OpenMeldWidgetOptions, 'title' | 'closeLabel' | 'allowedHosts' | 'allowedOrigins' | 'unstyled' | 'container'>;

export type OpenWidgetOptions = Pick<OpenMeldWidgetOptions, 'mode' | 'popupWindow' | 'returnFocusTo' | 'redirect' | 'title'>;

export interface UseMeldWidgetResult {
  /**
   * Opens the widget (closing any other on the page). Throws `WidgetUrlError`
   * for an unsafe URL, and `WidgetError` of kind `launch-failed` when it could
   * not be shown (nothing is left open).
   */
  open: (widgetUrl: string, options?: OpenWidgetOptions) => MeldWidgetHandle;
  /** Closes it, if open. */
  close: () => void;
  isOpen: boolean;
  /** The mode of the open widget. */
  mode: WidgetMode | undefined;
}

/** `openMeldWidget`, saying in development which option lets a refused host through. */
function openReportingRefusals(options: OpenMeldWidgetOptions): MeldWidgetHandle {
  try {
    return openMeldWidget(options);
  } catch (error) {
    // The condition folds in a host's production build, which then drops the warning and its text.
    try {
      if (process.env.NODE_ENV !== 'production') warnRefusedWidgetUrl(error);
    } catch {
      // No `process` (a page with no bundler): not a development build.
    }
    throw error;
  }
}

/**
 * Opens Meld's widget from React, with the provider's settings and strings
 * when there is a provider. Callbacks are read when they fire, so inline
 * functions never re-bind listeners. Closes the widget on unmount.
 */
export function useMeldWidget(options: UseMeldWidgetOptions = {}): UseMeldWidgetResult {
  const kit = useContext(ReconnectKitContext);
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const handleRef = useRef<MeldWidgetHandle | undefined>(undefined);
  const [openMode, setOpenMode] = useState<WidgetMode | undefined>(undefined);

  const open = useCallback(
    (widgetUrl: string, openOptions: OpenWidgetOptions = {}) => {
      const current = latest.current;
      const t = messageLookup(kit?.messages ?? {}, widgetMessages);
      const handle = openReportingRefusals({
        widgetUrl,
        mode: openOptions.mode ?? kit?.widget.mode,
        popupWindow: openOptions.popupWindow,
        returnFocusTo: openOptions.returnFocusTo,
        redirect: openOptions.redirect,
        title: openOptions.title ?? current.title ?? t('widget.title'),
        closeLabel: current.closeLabel ?? t('widget.close'),
        allowedHosts: [...(kit?.widget.allowedHosts ?? []), ...(current.allowedHosts ?? [])],
        allowedOrigins: [...(kit?.widget.allowedOrigins ?? []), ...(current.allowedOrigins ?? [])],
        unstyled: current.unstyled,
        container: current.container,
        onEvent: (event) => latest.current.onEvent?.(event),
        onComplete: (metadata) => latest.current.onComplete?.(metadata),
        onError: (error) => latest.current.onError?.(error),
        onClose: (reason: WidgetCloseReason) => {
          if (handleRef.current === handle) {
            handleRef.current = undefined;
            setOpenMode(undefined);
          }
          latest.current.onClose?.(reason);
        },
      });
      if (handle.isOpen) {
        handleRef.current = handle;
        setOpenMode(handle.mode);
      }
      return handle;
    },
    [kit],
  );

  const close = useCallback(() => handleRef.current?.close(), []);

  useEffect(() => () => handleRef.current?.close(), []);

  return { open, close, isOpen: openMode !== undefined, mode: openMode };
}
