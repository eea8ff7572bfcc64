// The launcher lives in core (framework-free, reachable from `meld-reconnect-kit/core`).
export * from '../core/openMeldWidget.js';
// Declared in openMeldWidget.ts before it had a file of its own.
export { WidgetError, type WidgetErrorKind } from '../core/WidgetError.js';
