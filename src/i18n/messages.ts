import { landingMessages } from './landingMessages.js';
import { listMessages } from './listMessages.js';
import { promptMessages } from './promptMessages.js';
import { statusMessages } from './statusMessages.js';
import { widgetMessages } from './widgetMessages.js';

/**
 * The kit's English message catalog. Every visible string comes from a
 * catalog; `ReconnectKitProvider`'s `messages` replaces any entry (pass a whole
 * catalog such as `es` with `locale="es"`). Placeholders are `{name}`; values
 * are inserted as text. Each component bundles only its own part of it.
 */
// A pure call, so that bundlers drop it (and the parts) when only one component is used.
export const defaultMessages: typeof widgetMessages & typeof promptMessages & typeof statusMessages & typeof listMessages & typeof landingMessages =
  /* @__PURE__ */ Object.assign({}, widgetMessages, promptMessages, statusMessages, listMessages, landingMessages);

export type MessageKey = keyof typeof defaultMessages;
export type Messages = Record<MessageKey, string>;

/** Fills `{placeholders}`; an unknown placeholder stays as written. Values are text, never HTML. */
export function formatMessage(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}

/**
 * A lookup into the provider's overrides, falling back to a component's own
 * English defaults. Internal: components call it with their part of the catalog.
 */
export function messageLookup<K extends MessageKey>(
  overrides: Partial<Messages>,
  defaults: Readonly<Record<K, string>>,
): (key: K) => string {
  return (key) => overrides[key] ?? defaults[key];
}
