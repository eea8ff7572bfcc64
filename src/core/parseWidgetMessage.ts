/** The messages Meld's widget posts to the host page (MELD.md §5). */
export type WidgetMessage =
  | { eventName: 'init'; metadata: WidgetMetadata }
  | { eventName: 'debug'; metadata: WidgetMetadata }
  | { eventName: 'error'; metadata: WidgetErrorMetadata }
  | { eventName: 'connect_complete'; metadata: WidgetCompleteMetadata };

export type WidgetEventName = WidgetMessage['eventName'];

/** Metadata as the widget sent it, minus prototype-polluting keys. */
export type WidgetMetadata = Readonly<Record<string, unknown>>;

export interface WidgetErrorMetadata extends WidgetMetadata {
  reason?: string;
  details?: string;
}

export interface WidgetCompleteMetadata extends WidgetMetadata {
  institutionId?: string;
  institutionName?: string;
  accountCount?: number;
  accounts?: readonly unknown[];
}

const EVENT_NAMES = new Set<string>(['init', 'debug', 'error', 'connect_complete']);
const RESERVED = new Set(['domain', 'eventName', 'metadata', '__proto__', 'constructor', 'prototype']);
const MAX_STRING_MESSAGE = 100_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyFields(source: Record<string, unknown>): Record<string, unknown> {
  // Object.fromEntries defines own properties, so even a `__proto__` key could
  // not reach a prototype; the reserved keys are dropped anyway.
  return Object.fromEntries(Object.entries(source).filter(([key]) => !RESERVED.has(key)));
}

function normalize(eventName: string, fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  const stringFields = eventName === 'error' ? ['reason', 'details'] : eventName === 'connect_complete' ? ['institutionId', 'institutionName'] : [];
  for (const key of stringFields) {
    if (out[key] !== undefined && typeof out[key] !== 'string') delete out[key];
  }
  if (eventName === 'connect_complete') {
    const count = out.accountCount;
    if (count !== undefined && !(typeof count === 'number' && Number.isInteger(count) && count >= 0)) delete out.accountCount;
    if (out.accounts !== undefined && !Array.isArray(out.accounts)) delete out.accounts;
  }
  return out;
}

/**
 * Reads a `message` event's data from Meld's widget. Accepts an object or a
 * JSON string. Returns `{ eventName, metadata }` for `domain: 'meld-connect'`
 * messages named `init`, `debug`, `error` or `connect_complete`, with metadata
 * taken from a nested `metadata` object or from the top level; returns `null`
 * for everything else (the provider's own events, other scripts, junk).
 * Typed fields of the wrong type are dropped rather than trusted.
 */
export function parseWidgetMessage(data: unknown): WidgetMessage | null {
  let value = data;
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_MESSAGE) return null;
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isRecord(value) || value.domain !== 'meld-connect' || typeof value.eventName !== 'string') return null;
  const { eventName } = value;
  if (!EVENT_NAMES.has(eventName)) return null;
  const fields = isRecord(value.metadata) ? copyFields(value.metadata) : copyFields(value);
  return { eventName, metadata: Object.freeze(normalize(eventName, fields)) } as WidgetMessage;
}
