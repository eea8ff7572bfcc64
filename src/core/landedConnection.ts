/**
 * Which connection the customer landed on from a repair link, kept in
 * sessionStorage while its flow may still need it: in redirect mode the page
 * reloads on the way back from Meld's widget, without the link, and the
 * landing must show that connection's resumed prompt. Only the connection id
 * is kept, never the link's token.
 */
import { storageOrNull } from './redirectPending.js';

/** The sessionStorage key of the landed connection. */
export const LANDED_KEY = 'meld-reconnect-kit:landed';

/** As long as redirect mode's own state is kept (Meld's connect tokens live 3 to 4 hours). */
const MAX_AGE_MS = 3 * 60 * 60 * 1000;

/** Remembers the landed connection for this tab's session. Without usable storage, nothing is kept. */
export function rememberLandedConnection(connectionId: string, now = Date.now()): void {
  try {
    storageOrNull()?.setItem(LANDED_KEY, JSON.stringify({ connectionId, at: now }));
  } catch {
    // Storage full or denied: only the landing after a redirect's return is lost.
  }
}

/** The landed connection's id, if one was remembered within 3 hours; reads only. */
export function readLandedConnectionId(now = Date.now()): string | undefined {
  let raw: string | null;
  try {
    raw = storageOrNull()?.getItem(LANDED_KEY) ?? null;
  } catch {
    return undefined;
  }
  if (raw === null) return undefined;
  try {
    const saved = JSON.parse(raw) as { connectionId?: unknown; at?: unknown } | null;
    const at = saved?.at;
    if (typeof saved?.connectionId === 'string' && saved.connectionId !== '' && typeof at === 'number' && at <= now && now - at <= MAX_AGE_MS) {
      return saved.connectionId;
    }
  } catch {
    // junk
  }
  return undefined;
}

/** The landed connection's id, if one was remembered within 3 hours; anything else is forgotten. */
export function landedConnectionId(now = Date.now()): string | undefined {
  const id = readLandedConnectionId(now);
  if (id === undefined) forgetLandedConnection();
  return id;
}

/** Forgets the landed connection (its flow ended, or another link landed). */
export function forgetLandedConnection(): void {
  try {
    storageOrNull()?.removeItem(LANDED_KEY);
  } catch {
    // nothing to forget where storage is denied
  }
}
