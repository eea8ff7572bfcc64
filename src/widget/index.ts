export {
  openMeldWidget,
  WidgetError,
  WIDGET_IFRAME_ALLOW,
  WIDGET_IFRAME_SANDBOX,
  type MeldWidgetHandle,
  type OpenMeldWidgetOptions,
  type WidgetCloseReason,
  type WidgetKitEvent,
  type WidgetMode,
} from './openMeldWidget.js';
export { preparePopup } from './preparePopup.js';
export { saveRedirectState, takeRedirectState, type RedirectState, type TakeRedirectStateOptions } from './redirectState.js';
export { useMeldWidget, type OpenWidgetOptions, type UseMeldWidgetOptions, type UseMeldWidgetResult } from './useMeldWidget.js';
export { MeldWidgetDialog, type MeldWidgetDialogProps } from './MeldWidgetDialog.js';
