/**
 * Launching Meld's widget, framework-free: the dialog, the popup and the
 * redirect. The code lives in `src/core/` (public from
 * `meld-reconnect-kit/core`); the bindings are `useMeldWidget` in
 * `src/hooks/` and `MeldWidgetDialog` in `src/components/`.
 */
export {
  openMeldWidget,
  WidgetError,
  type WidgetErrorKind,
  WIDGET_IFRAME_ALLOW,
  WIDGET_IFRAME_SANDBOX,
  type MeldWidgetHandle,
  type OpenMeldWidgetOptions,
  type WidgetCloseReason,
  type WidgetKitEvent,
  type WidgetMode,
} from './openMeldWidget.js';
export { preparePopup, type PreparedPopup, type PreparePopupOptions } from './preparePopup.js';
export { saveRedirectState, takeRedirectState, type RedirectState, type TakeRedirectStateOptions } from './redirectState.js';
