// The launcher in core shows these by default and core imports nothing outside itself,
// so the English widget strings live there; this keeps the catalog's usual path.
export { widgetMessages } from '../core/widgetMessages.js';
