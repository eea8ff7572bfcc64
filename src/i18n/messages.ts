/**
 * The kit's English message catalog. Every visible string comes from here;
 * `ReconnectKitProvider`'s `messages` prop replaces any of them. Placeholders
 * are `{name}`.
 */
export const defaultMessages = {
  'widget.title': 'Connect your bank',
  'widget.titleWithInstitution': 'Reconnect {institution}',
  'widget.close': 'Close',
} as const;

export type MessageKey = keyof typeof defaultMessages;
export type Messages = Record<MessageKey, string>;

/** Fills `{placeholders}`; an unknown placeholder stays as written. Values are text, never HTML. */
export function formatMessage(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}
