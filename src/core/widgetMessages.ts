/** English strings of the widget dialog. */
export const widgetMessages = {
  'widget.title': 'Connect your bank',
  'widget.title-with-institution': 'Reconnect {institution}',
  'widget.close': 'Close',
} as const;
