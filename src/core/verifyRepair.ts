import { getStatusDecision } from './getStatusDecision.js';
import type { Connection } from './types.js';

/** How a repair ended, as far as the kit can see. */
export type RepairVerificationOutcome = 'verified' | 'still-broken' | 'timed-out';

export interface RepairVerification {
  outcome: RepairVerificationOutcome;
  /** The last status seen (the starting one when nothing new arrived). */
  status: string;
  /** The last reason seen; for `still-broken`, the new reason to show or route on. */
  reason: string | null;
  /** How the outcome was learned. */
  via: 'push' | 'read' | 'none';
}

/** A status as the verifier sees it. */
export interface ObservedStatus {
  status: string;
  statusReason?: string | null | undefined;
}

export interface VerifyRepairOptions {
  /** The status and reason before the repair. */
  from: ObservedStatus;
  /**
   * The status as the page knows it when verification starts. A push can beat
   * the widget's `connect_complete`; this lets the kit count it.
   */
  initial?: ObservedStatus | undefined;
  /** One-shot read of the connection (the host's `GET /connections/:id`). */
  readConnection: (signal: AbortSignal) => Promise<ObservedStatus | Connection>;
  /**
   * Pushed status changes (webhook -> backend -> SSE). When given, the kit
   * waits for a push and reads only once more at the deadline; without it, it
   * re-reads on `delaysMs`.
   */
  subscribe?: ((onChange: (next: ObservedStatus) => void) => () => void) | undefined;
  /** Waits between re-reads without a push channel. Defaults to 1 s, 2 s, 4 s, 8 s, 15 s. */
  delaysMs?: readonly number[] | undefined;
  /** Gives up after this long. Defaults to 30 000 ms. */
  timeoutMs?: number | undefined;
  /**
   * A read that has not answered after this long counts as no news (its
   * signal is aborted), so a hung backend cannot hold verification past its
   * limit. Defaults to 5 000 ms, and never more than `timeoutMs`.
   */
  readTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

const DEFAULT_DELAYS = [1000, 2000, 4000, 8000, 15_000] as const;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_READ_TIMEOUT_MS = 5_000;

/** Prompts that mean the customer is still locked out after a repair. */
const BROKEN_PROMPTS = new Set([
  'reconnect',
  'institution-repairing',
  'institution-action',
  'start-new-connection',
  'choose-another-institution',
]);

function reasonOf(observed: ObservedStatus): string | null {
  return observed.statusReason ?? null;
}

/**
 * What one observation says, given where the repair started:
 * - ACTIVE, unless it is the very ACTIVE + reason the repair started from -> verified
 * - a broken status that arrived by push (the next webhook after completion is
 *   Meld's answer), or a broken status whose status or reason changed -> still broken
 * - anything else (no change yet, IN_PROGRESS, a temporary outage) -> keep waiting
 */
function classify(from: ObservedStatus, next: ObservedStatus, pushed: boolean): RepairVerificationOutcome | undefined {
  const reason = reasonOf(next);
  const unchanged = next.status === from.status && reason === reasonOf(from);
  if (next.status === 'ACTIVE' && !(unchanged && reason !== null)) return 'verified';
  const broken = BROKEN_PROMPTS.has(getStatusDecision(next.status, reason).prompt);
  if (broken && (pushed || !unchanged)) return 'still-broken';
  return undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * After Meld's widget reports `connect_complete`, waits for the connection to
 * leave its broken status (seed 000): from a pushed status change or, without
 * a push channel, a short bounded series of one-shot re-reads. Never polls
 * beyond `timeoutMs`. Resolves with `verified`, `still-broken` (with the new
 * reason: "inspect the next webhook for the new reason; consider routing
 * retry") or `timed-out`. Rejects only with the abort reason of `signal`.
 */
export async function verifyRepair(options: VerifyRepairOptions): Promise<RepairVerification> {
  const { from, readConnection, subscribe } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const delays = options.delaysMs ?? DEFAULT_DELAYS;
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) onOuterAbort();

  let last: ObservedStatus = from;
  let lastVia: RepairVerification['via'] = 'none';
  let result: RepairVerification | undefined;
  const settle = (next: ObservedStatus, via: 'push' | 'read'): void => {
    if (result) return;
    last = next;
    lastVia = via;
    const outcome = classify(from, next, via === 'push');
    if (outcome) {
      result = { outcome, status: next.status, reason: reasonOf(next), via };
      stop.abort();
    }
  };

  const readTimeoutMs = Math.min(options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS, timeoutMs);
  const read = async (): Promise<void> => {
    const give = new AbortController();
    const giveUp = () => give.abort();
    const timer = setTimeout(giveUp, readTimeoutMs);
    stop.signal.addEventListener('abort', giveUp, { once: true });
    // Raced as well as signalled: a reader that ignores its signal still cannot hang us.
    const gaveUp = new Promise<never>((_, reject) => give.signal.addEventListener('abort', () => reject(new Error('read gave up')), { once: true }));
    try {
      settle(await Promise.race([readConnection(give.signal), gaveUp]), 'read');
    } catch {
      // A failed or hung read is no news; the next one, a push or the deadline decides.
    } finally {
      clearTimeout(timer);
      stop.signal.removeEventListener('abort', giveUp);
    }
  };

  if (options.initial) settle(options.initial, 'read');
  const unsubscribe = result ? undefined : subscribe?.((next) => settle(next, 'push'));
  const started = Date.now();
  try {
    if (result) {
      // decided by what the page already knew
    } else if (subscribe) {
      await sleep(timeoutMs, stop.signal);
      if (!result && !stop.signal.aborted) await read();
    } else {
      for (const delay of delays) {
        const remaining = timeoutMs - (Date.now() - started);
        if (remaining <= 0 || stop.signal.aborted) break;
        await sleep(Math.min(delay, remaining), stop.signal);
        if (stop.signal.aborted) break;
        await read();
      }
    }
  } finally {
    unsubscribe?.();
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (options.signal?.aborted) throw options.signal.reason;
  return result ?? { outcome: 'timed-out', status: last.status, reason: reasonOf(last), via: lastVia };
}
