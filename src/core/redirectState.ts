import { forgetPendingRedirect, matches, read, REDIRECT_KEY as KEY, storageOrNull } from './redirectPending.js';
import { randomHex } from './randomHex.js';

export { hasPendingRedirect } from './redirectPending.js';

/** What redirect mode keeps while the customer is away at Meld. */
export interface RedirectState {
  connectionId: string;
  /** A random value, so a host that passes it through its return URL can match it. */
  state: string;
  /** When the customer left, in ms since the epoch. */
  startedAt: number;
}

/** Meld's connect tokens live 3 to 4 hours; an older redirect is not resumed. */
const MAX_AGE_MS = 3 * 60 * 60 * 1000;


/** Records that the customer is leaving for Meld's widget. Without usable storage, nothing resumes. */
export function saveRedirectState(connectionId: string, storage?: Storage, now = Date.now()): RedirectState {
  const state: RedirectState = { connectionId, state: randomHex(16), startedAt: now };
  forgetPendingRedirect();
  try {
    storageOrNull(storage)?.setItem(KEY, JSON.stringify(state));
  } catch {
    // Storage full or denied: the flow still works; only resuming after the redirect is lost.
  }
  return state;
}

function clear(storage: Storage): void {
  forgetPendingRedirect();
  try {
    storage.removeItem(KEY);
  } catch {
    // nothing to clear where storage is denied
  }
}

/**
 * Whether a redirect to Meld's widget is waiting to be resumed for
 * `connectionId` (without taking it). Lets a prompt mount its flow on return
 * even when the connection already reads as healthy.
 */
export function hasRedirectState(connectionId: string, storage?: Storage): boolean {
  const store = storageOrNull(storage);
  return matches(store ? read(store) : null, connectionId);
}

export interface TakeRedirectStateOptions {
  storage?: Storage | undefined;
  now?: number | undefined;
  /** When the host passed the state through its return URL: it must match. */
  expectedState?: string | undefined;
}

/**
 * Reads and clears the redirect state for `connectionId`, if the customer is
 * returning from Meld's widget within 3 hours. Anything else (another
 * connection, too old, a state that does not match, junk) returns `null`;
 * another connection's state is left in place.
 */
export function takeRedirectState(connectionId: string, options: TakeRedirectStateOptions = {}): RedirectState | null {
  const storage = storageOrNull(options.storage);
  const raw = storage ? read(storage) : null;
  if (!storage || !raw) return null;
  let saved: Partial<RedirectState>;
  try {
    saved = JSON.parse(raw) as Partial<RedirectState>;
  } catch {
    clear(storage);
    return null;
  }
  if (saved?.connectionId !== connectionId) return null;
  clear(storage);
  const now = options.now ?? Date.now();
  if (typeof saved.state !== 'string' || typeof saved.startedAt !== 'number') return null;
  if (now - saved.startedAt > MAX_AGE_MS || saved.startedAt > now) return null;
  if (options.expectedState !== undefined && options.expectedState !== saved.state) return null;
  return { connectionId, state: saved.state, startedAt: saved.startedAt };
}
