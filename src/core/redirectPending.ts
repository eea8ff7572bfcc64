/**
 * The part of redirect mode a prompt needs before anything is due: whether
 * the customer is coming back from Meld's widget for a connection. Kept apart
 * from saving and taking the state, so a page's first bundle stays small.
 */

/** The sessionStorage key of redirect mode's saved state. */
export const REDIRECT_KEY = 'meld-reconnect-kit:redirect';

export function storageOrNull(storage?: Storage): Storage | null {
  try {
    return storage ?? globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage disabled (e.g. some privacy modes)
  }
}

export function read(storage: Storage): string | null {
  try {
    return storage.getItem(REDIRECT_KEY);
  } catch {
    return null;
  }
}

/** Whether a saved state (as stored) is for `connectionId`. */
export function matches(raw: string | null, connectionId: string): boolean {
  try {
    return raw !== null && (JSON.parse(raw) as { connectionId?: unknown } | null)?.connectionId === connectionId;
  } catch {
    return false;
  }
}

/** The default storage's entry, read once per task: a page of many prompts asks at the same moment. */
let memo: { raw: string | null } | undefined;

/** Forgets the remembered entry (after a write through the kit). */
export function forgetPendingRedirect(): void {
  memo = undefined;
}

/**
 * Whether a redirect is waiting to be resumed for `connectionId`, in the
 * default storage, read once per task. Writes through the kit are seen at
 * once; other writes from the next task. Internal.
 */
export function hasPendingRedirect(connectionId: string): boolean {
  if (!memo) {
    const store = storageOrNull();
    memo = { raw: store ? read(store) : null };
    queueMicrotask(forgetPendingRedirect);
  }
  return matches(memo.raw, connectionId);
}
