// Property tests of the notification planner, run as a host would run it: a
// scheduler calls the planner every few minutes over days that cross DST
// changes, sends what is due, and records it. Connections break, heal and are
// deleted along the way. After every run the record is checked against what
// the planner promises: no message in the customer's quiet hours (checked
// with a separate reading of the local clock), never more than the cap per
// customer in any window, nothing while a connection does not need its
// customer, and the same plan for the same input in any order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/core/index.js';
import {
  planReconnectNotifications,
  type EscalationStep,
  type NotificationPolicy,
  type NotificationTarget,
  type SentNotification,
} from '../../src/server/index.js';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Australia/Lord_Howe', // 30-minute DST
  'America/St_Johns', // half-hour offset with DST
  'Pacific/Chatham', // 45-minute offset with DST
  'UTC',
] as const;
// 2026's DST changes in those zones (a few days before each, the simulation starts).
const DST_CHANGES = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01', '2026-09-27', '2026-04-05'].map((d) => Date.parse(`${d}T00:00:00Z`));
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Status pairs: [status, reason, does the customer have something to do]
const STATES: ReadonlyArray<readonly [string, string | null, boolean]> = [
  ['ACTIVE', null, false],
  ['ACTIVE', 'NEW_ACCOUNTS_AVAILABLE', false],
  ['DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE', false],
  ['UNDETERMINED', 'INTERNAL_ERROR', false],
  ['IN_PROGRESS', null, false],
  ['RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION', false],
  ['RECONNECT_REQUIRED', 'LOGIN_REQUIRED', true],
  ['RECONNECT_REQUIRED', 'TOKEN_EXPIRED', true],
  ['DEGRADED', 'INSTITUTION_ACTION_REQUIRED', true],
  ['UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES', true],
  ['ACTIVE', 'ACCESS_EXPIRING_SOON', true],
  ['DELETED', null, false],
];

/** The local wall clock, read another way than the planner reads it. */
function localHHMM(at: number, timeZone: string): number {
  const [h, m] = new Date(at).toLocaleTimeString('en-GB', { timeZone, hour12: false }).split(':').map(Number);
  return (h as number) * 60 + (m as number);
}

function inQuiet(at: number, timeZone: string, start: number, end: number): boolean {
  const m = localHHMM(at, timeZone);
  if (start === end) return false;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

interface Sim {
  start: number;
  days: number;
  tickMinutes: number;
  quiet: [number, number];
  cap: { max: number; windowHours: number };
  ladder: EscalationStep[];
  minHoursBetweenSteps: number;
  connections: Array<{ id: string; customer: string; zone: string; locale: string; changes: Array<{ atMinutes: number; state: number }> }>;
}

const simArb: fc.Arbitrary<Sim> = fc.record({
  start: fc.tuple(fc.constantFrom(...DST_CHANGES), fc.integer({ min: -3 * 24 * 60, max: 24 * 60 })).map(([d, m]) => d + m * MINUTE),
  days: fc.integer({ min: 3, max: 9 }),
  tickMinutes: fc.constantFrom(7, 15, 29, 60, 97),
  // Includes ends inside a DST gap (02:00-03:00) and windows past midnight.
  quiet: fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(120, 150, 179, 480))),
  cap: fc.record({ max: fc.integer({ min: 1, max: 3 }), windowHours: fc.constantFrom(1, 6, 24, 48, 72) }),
  ladder: fc.array(fc.record({ channel: fc.constantFrom('in-app', 'email', 'sms'), afterDays: fc.constantFrom(0, 0.5, 1, 2, 7) }), { minLength: 1, maxLength: 4 }),
  minHoursBetweenSteps: fc.constantFrom(0, 1, 24),
  connections: fc.array(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      customer: fc.constantFrom('ann', 'ben', 'cy'),
      zone: fc.constantFrom(...ZONES),
      locale: fc.constantFrom('en', 'es', 'es-419', 'fr'),
      changes: fc.array(fc.record({ atMinutes: fc.integer({ min: 0, max: 9 * 24 * 60 }), state: fc.integer({ min: 0, max: STATES.length - 1 }) }), { minLength: 1, maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 6 },
  ).map((list) => list.map((c, i) => ({ ...c, id: `${c.id}-${i}` }))),
});

/** The connection's state at a moment: the last change at or before it (ACTIVE before the first). */
function stateAt(changes: Sim['connections'][number]['changes'], start: number, at: number): { state: number; since: number } {
  let found = { state: 0, since: start };
  for (const change of [...changes].sort((a, b) => a.atMinutes - b.atMinutes)) {
    const when = start + change.atMinutes * MINUTE;
    if (when > at) break;
    // Deleted is final, as at Meld.
    if (STATES[found.state]?.[0] === 'DELETED') break;
    if (change.state !== found.state) found = { state: change.state, since: when };
  }
  return found;
}

function targetsAt(sim: Sim, at: number): NotificationTarget[] {
  return sim.connections.map((c) => {
    const { state, since } = stateAt(c.changes, sim.start, at);
    const [status, statusReason] = STATES[state] as (typeof STATES)[number];
    const connection: Connection = { id: c.id, status, statusReason, externalCustomerId: c.customer, institutionName: 'Bank' };
    return { connection, timeZone: c.zone, locale: c.locale, needsActionSince: since };
  });
}

function policyOf(sim: Sim): NotificationPolicy {
  return {
    escalation: sim.ladder,
    cap: sim.cap,
    minHoursBetweenSteps: sim.minHoursBetweenSteps,
    quietHours: { start: hhmm(sim.quiet[0]), end: hhmm(sim.quiet[1]) },
  };
}

function run(sim: Sim): { history: SentNotification[]; zones: Map<string, string> } {
  const policy = policyOf(sim);
  const history: SentNotification[] = [];
  const zones = new Map(sim.connections.map((c) => [c.id, c.zone]));
  for (let now = sim.start; now <= sim.start + sim.days * DAY; now += sim.tickMinutes * MINUTE) {
    const connections = targetsAt(sim, now);
    const plan = planReconnectNotifications({ connections, history, policy, now });
    for (const planned of plan) {
      const zone = zones.get(planned.connectionId) as string;
      // Every planned time, due or not, is outside quiet hours, and never before now.
      expect(inQuiet(planned.sendAt.getTime(), zone, ...sim.quiet), `${planned.sendAt.toISOString()} in ${zone}`).toBe(false);
      expect(planned.sendAt.getTime()).toBeGreaterThanOrEqual(now);
      if (!planned.due) continue;
      // Sent only while the connection needs its customer.
      const c = sim.connections.find((x) => x.id === planned.connectionId);
      const needs = STATES[stateAt(c?.changes ?? [], sim.start, now).state]?.[2];
      expect(needs, `${planned.connectionId} at ${new Date(now).toISOString()}`).toBe(true);
      history.push({ customerId: planned.customerId, connectionId: planned.connectionId, channel: planned.channel, step: planned.step, sentAt: now });
    }
  }
  return { history, zones };
}

describe('planReconnectNotifications (properties)', () => {
  it('given days of runs across DST changes and time zones, should never send in quiet hours, above the cap, or while a connection needs nothing', () => {
    fc.assert(
      fc.property(simArb, (sim) => {
        const { history, zones } = run(sim);
        const W = sim.cap.windowHours * HOUR;
        for (const sent of history) {
          const at = sent.sentAt as number;
          expect(inQuiet(at, zones.get(sent.connectionId) as string, ...sim.quiet)).toBe(false);
          // Any window of the cap's length that holds this send holds at most `max`.
          const sameCustomer = history.filter((s) => s.customerId === sent.customerId).map((s) => s.sentAt as number);
          const inWindow = sameCustomer.filter((t) => t >= at && t < at + W).length;
          expect(inWindow).toBeLessThanOrEqual(sim.cap.max);
        }
        // Steps climb one at a time per episode and never pass the ladder.
        for (const sent of history) expect(sent.step).toBeLessThan(sim.ladder.length);
      }),
      { numRuns: 40 },
    );
  });

  it('given a connection that heals or is deleted, should plan nothing more for it from that moment', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom(...DST_CHANGES),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom<[string, string | null]>(['ACTIVE', null], ['DELETED', null], ['DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE'], ['IN_PROGRESS', null]),
        fc.array(fc.record({ step: fc.integer({ min: 0, max: 2 }), hoursAgo: fc.integer({ min: 0, max: 200 }) }), { maxLength: 5 }),
        (zone, day, hours, [status, statusReason], sent) => {
          const now = day + hours * HOUR;
          const history = sent.map((s) => ({ customerId: 'ann', connectionId: 'c1', channel: 'email', step: s.step, sentAt: now - s.hoursAgo * HOUR }));
          const connection: Connection = { id: 'c1', status, statusReason, externalCustomerId: 'ann' };
          expect(planReconnectNotifications({ connections: [{ connection, timeZone: zone, needsActionSince: now - 300 * HOUR }], history, now })).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should give the same plan for the same input, whatever the order of the connections and the history', () => {
    fc.assert(
      fc.property(simArb, fc.integer({ min: 0, max: 3 * 24 * 60 }), fc.integer(), (sim, offset, seed) => {
        const now = sim.start + offset * MINUTE;
        const connections = targetsAt(sim, now);
        const history: SentNotification[] = sim.connections.flatMap((c, i) =>
          i % 2 === 0 ? [{ customerId: c.customer, connectionId: c.id, channel: 'in-app', step: 0, sentAt: now - ((i * 7 + 3) % 50) * HOUR }] : [],
        );
        const policy = policyOf(sim);
        const first = planReconnectNotifications({ connections, history, policy, now });
        expect(planReconnectNotifications({ connections, history, policy, now })).toEqual(first);
        const shuffle = <T,>(list: T[]) => list.map((item, i) => ({ item, key: (i * 2654435761 + seed) >>> 0 })).sort((a, b) => a.key - b.key).map((x) => x.item);
        expect(planReconnectNotifications({ connections: shuffle(connections), history: shuffle(history), policy, now })).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });
});
