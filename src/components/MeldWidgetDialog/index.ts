export { MeldWidgetDialog, type MeldWidgetDialogProps } from './MeldWidgetDialog.js';
