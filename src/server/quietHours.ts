// Quiet hours in a customer's own IANA time zone, DST-correct, through Intl
// alone. Every zone in use today has whole-minute offsets, so a local minute
// starts on a UTC minute boundary; the search below works in whole minutes.

const MINUTE = 60_000;
const DAY_MINUTES = 1440;

/** Local wall-clock times, `HH:MM` (24-hour). `start` after `end` spans midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

const clocks = new Map<string, Intl.DateTimeFormat | null>();

function clock(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = clocks.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
        numberingSystem: 'latn',
        calendar: 'gregory',
      });
    } catch {
      formatter = null;
    }
    if (clocks.size < 512) clocks.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows `timeZone` (an IANA name such as `Europe/London`). */
export function isTimeZone(timeZone: unknown): timeZone is string {
  return typeof timeZone === 'string' && timeZone.length > 0 && timeZone.length <= 64 && clock(timeZone) !== null;
}

/** The zone's offset from UTC at `at`, in whole minutes, read through Intl. */
function readOffset(at: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of (clock(timeZone) as Intl.DateTimeFormat).formatToParts(at)) fields[part.type] = Number(part.value);
  const wall = Date.UTC(fields.year as number, (fields.month as number) - 1, fields.day as number, fields.hour as number, fields.minute as number);
  return Math.round((wall - (at - (((at % MINUTE) + MINUTE) % MINUTE))) / MINUTE);
}

// Offsets by zone and quarter hour of UTC. Zones change offset at most once in
// any quarter hour, so a quarter whose two ends agree has one offset
// throughout; one with a change in it is read minute by minute, never cached.
const QUARTER = 15 * MINUTE;
const offsets = new Map<string, number>();

function offsetAt(at: number, timeZone: string): number {
  const quarter = Math.floor(at / QUARTER);
  const key = `${timeZone}|${quarter}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const first = readOffset(quarter * QUARTER, timeZone);
  if (readOffset(quarter * QUARTER + QUARTER - 1, timeZone) !== first) return readOffset(at, timeZone);
  if (offsets.size >= 100_000) offsets.clear();
  offsets.set(key, first);
  return first;
}

/** The local minute of the day (0..1439) at `at` in a zone the runtime knows. */
export function localMinute(at: number, timeZone: string): number {
  const local = at + offsetAt(at, timeZone) * MINUTE;
  return Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / MINUTE);
}

/** `HH:MM` as minutes of the day, or `undefined` when malformed. */
export function parseClock(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Quiet hours as minutes of the day: `[start, end)`, wrapping past midnight when `start > end`. */
export type QuietWindow = readonly [start: number, end: number];

export function isQuietMinute(minute: number, [start, end]: QuietWindow): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Whether `at` falls in the quiet window, in the customer's zone. */
export function isQuiet(at: number, timeZone: string, window: QuietWindow): boolean {
  return isQuietMinute(localMinute(at, timeZone), window);
}

/**
 * The first moment at or after `at` outside quiet hours, in the customer's
 * zone. Jumps by the wall-clock distance to the window's end, then, because a
 * DST change in between moves the wall clock by 30 or 60 minutes, finds the
 * exact first minute by bisection between a quiet minute and a loud one. An
 * end that falls in a DST gap (a wall time that does not exist that night)
 * gives the first minute after the gap.
 */
export function nextLoudMoment(at: number, timeZone: string, window: QuietWindow): number {
  if (!isQuiet(at, timeZone, window)) return at;
  const base = at - (((at % MINUTE) + MINUTE) % MINUTE); // a quiet minute
  const distance = (window[1] - localMinute(base, timeZone) + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  let lo = 0; // minutes after base: quiet
  let hi = distance;
  // A clock set back by DST leaves the jump up to an hour short, still quiet: step on minute by minute.
  for (let guard = 0; isQuiet(base + hi * MINUTE, timeZone, window); guard += 1) {
    if (guard > 2 * DAY_MINUTES) throw new Error(`meld-reconnect-kit: quiet hours leave no minute to send in ${timeZone}.`);
    lo = hi;
    hi += 1;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (isQuiet(base + mid * MINUTE, timeZone, window)) lo = mid;
    else hi = mid;
  }
  return base + hi * MINUTE;
}
