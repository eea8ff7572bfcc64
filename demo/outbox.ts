/**
 * The demo backend's "Outbox": what a host's scheduled job does with
 * `planReconnectNotifications`, made visible. A real host runs the planner
 * every few minutes, hands the due messages to its mailer and in-app inbox,
 * and records them as history. Here the job runs when the page asks, the
 * mailer is a list the page shows, and the clock can be moved, so quiet hours,
 * the cap and the ladder can be watched without waiting days.
 */
import type { Connection } from 'meld-reconnect-kit';
import { planReconnectNotifications, type MeldClient, type NotificationPolicy, type PlannedNotification, type SentNotification } from 'meld-reconnect-kit/server';
import { DEMO_CUSTOMERS, DEMO_IDS, type DemoCustomer } from './connections.js';
import type { OutboxClockChange, OutboxMessage, OutboxView, SentMail } from './types.js';

const MAX_SENT = 200;
/** The demo's policy: the kit's defaults, written out so the page can show them. */
export const DEMO_POLICY = {
  escalation: [
    { channel: 'in-app', afterDays: 0 },
    { channel: 'email', afterDays: 2 },
    { channel: 'email', afterDays: 7 },
  ],
  cap: { max: 1, windowHours: 24 },
  quietHours: { start: '21:00', end: '08:00' },
  minHoursBetweenSteps: 24,
} as const satisfies NotificationPolicy;

/** The Outbox's clock: real time, or a moment the page set (then it stands still). */
export interface DemoClock {
  now(): number;
  set(change: OutboxClockChange): void;
  readonly simulated: boolean;
}

export function createDemoClock(): DemoClock {
  let fixedAt: number | undefined;
  return {
    now: () => fixedAt ?? Date.now(),
    set(change) {
      if ('real' in change) fixedAt = undefined;
      else if ('advanceHours' in change) fixedAt = (fixedAt ?? Date.now()) + change.advanceHours * 3_600_000;
      else fixedAt = change.at;
    },
    get simulated() {
      return fixedAt !== undefined;
    },
  };
}

export interface OutboxOptions {
  meld: MeldClient;
  clock: DemoClock;
  /** The signed repair link for a customer's connection (the demo's `createRepairLinks(...).link`). */
  link: (target: { customerId: string; connectionId: string }) => string;
}

export interface Outbox {
  view(): Promise<OutboxView>;
  /** Hands every due message to the "mailer" and records it in the history. */
  sendDue(): Promise<OutboxView>;
  /** A STATUS_CHANGE arrived: the connection's episode (the ladder's day 0) starts now. */
  statusChanged(connectionId: string): void;
  reset(): void;
}

const customerById = new Map(Object.values(DEMO_CUSTOMERS).map((customer) => [customer.externalCustomerId, customer]));

/**
 * The UTC instant of a wall-clock time in an IANA zone (`2026-12-03T22:30` in
 * `Europe/London`). Two corrections cover DST: the offset is read at the first
 * guess, then again where that lands.
 */
export function zonedTimeToUtc(local: string, timeZone: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let at = wall;
  for (let i = 0; i < 2; i += 1) at = wall - offsetOf(at, timeZone);
  return Number.isFinite(at) ? at : undefined;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function partsIn(at: number, timeZone: string): Record<string, number> {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formats.set(timeZone, format);
  }
  const out: Record<string, number> = {};
  for (const part of format.formatToParts(at)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out;
}

function offsetOf(at: number, timeZone: string): number {
  const p = partsIn(at, timeZone);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - Math.floor(at / 60_000) * 60_000;
}

/** `2026-12-03 22:30` in the zone, for the page. */
function wallClock(at: number, timeZone: string): string {
  const p = partsIn(at, timeZone);
  const two = (n: number | undefined) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/**
 * What the demo's history starts with: Alex saw Harbor's in-app prompt the
 * day after it broke (the seeds' dates are fixed, so is this) and did nothing.
 */
export const SEEDED_IN_APP_AT = '2026-11-15T09:30:00.000Z';
function seededHistory(): SentNotification[] {
  return [{ customerId: DEMO_CUSTOMERS.alex.externalCustomerId, connectionId: DEMO_IDS.loginRequired, channel: 'in-app', step: 0, sentAt: SEEDED_IN_APP_AT }];
}

const keyOf = (n: { connectionId: string; step: number }) => `${n.connectionId}#${n.step}`;

export function createOutbox(options: OutboxOptions): Outbox {
  const { clock } = options;
  const now = () => clock.now();
  let history = seededHistory();
  let sent: SentMail[] = [];
  const needsActionSince = new Map<string, number>();

  async function connectionsOf(customer: DemoCustomer): Promise<Connection[]> {
    const all = await options.meld.listAllConnections({ externalCustomerId: customer.externalCustomerId });
    return all.filter((c) => c.externalCustomerId === customer.externalCustomerId) as Connection[];
  }

  async function plan(): Promise<{ at: number; messages: OutboxMessage[] }> {
    const at = now();
    const customers = Object.values(DEMO_CUSTOMERS);
    const connections = (await Promise.all(customers.map(connectionsOf))).flat();
    const names = new Map(connections.map((c) => [c.id, c.institutionName ?? c.id]));
    const links = new Map<string, string>();
    const targets = connections.map((connection) => {
      const customer = customerById.get(connection.externalCustomerId ?? '');
      const since = needsActionSince.get(connection.id);
      return { connection, timeZone: customer?.timeZone, locale: customer?.locale, ...(since === undefined ? {} : { needsActionSince: since }) };
    });
    const input = { connections: targets, history, now: at };
    const planned = planReconnectNotifications({
      ...input,
      policy: {
        ...DEMO_POLICY,
        link: (target) => {
          const url = options.link(target);
          links.set(target.connectionId, url);
          return url;
        },
      },
    });
    // Why a message waits: the same plan without quiet hours, then without the cap, tells which moved it.
    const without = (policy: NotificationPolicy) => new Map(planReconnectNotifications({ ...input, policy }).map((n) => [keyOf(n), n.sendAt.getTime()]));
    const loud = without({ ...DEMO_POLICY, quietHours: false });
    const uncapped = without({ ...DEMO_POLICY, cap: { max: Number.MAX_SAFE_INTEGER, windowHours: 24 } });
    const messages = planned.map((n): OutboxMessage => {
      const customer = customerById.get(n.customerId);
      const sendAt = n.sendAt.getTime();
      // The cap first: a message it pushes to another day may then meet quiet hours too.
      const heldBy = n.due ? undefined : (uncapped.get(keyOf(n)) ?? sendAt) < sendAt ? 'cap' : (loud.get(keyOf(n)) ?? sendAt) < sendAt ? 'quiet-hours' : 'ladder';
      return toMessage(n, customer, names.get(n.connectionId), links.get(n.connectionId), heldBy);
    });
    return { at, messages };
  }

  function toMessage(n: PlannedNotification, customer: DemoCustomer | undefined, institution: string | undefined, link: string | undefined, heldBy: OutboxMessage['heldBy']): OutboxMessage {
    const zone = customer?.timeZone ?? 'UTC';
    return {
      id: keyOf(n),
      customerName: customer?.name ?? n.customerId,
      to: n.channel === 'email' ? (customer?.email ?? n.customerId) : `${customer?.name ?? n.customerId} (in the app)`,
      connectionId: n.connectionId,
      institutionName: institution ?? n.connectionId,
      kind: n.kind,
      channel: n.channel,
      step: n.step,
      sendAt: n.sendAt.toISOString(),
      sendAtLocal: `${wallClock(n.sendAt.getTime(), zone)} (${zone})`,
      due: n.due,
      ...(heldBy ? { heldBy } : {}),
      locale: n.locale,
      subject: n.subject,
      text: n.text,
      ...(link ? { link } : {}),
    };
  }

  async function view(): Promise<OutboxView> {
    const { at, messages } = await plan();
    return {
      now: new Date(at).toISOString(),
      clock: clock.simulated ? 'simulated' : 'real',
      customers: Object.values(DEMO_CUSTOMERS).map((c) => ({ name: c.name, email: c.email, timeZone: c.timeZone, locale: c.locale, localTime: wallClock(at, c.timeZone) })),
      policy: DEMO_POLICY,
      planned: messages,
      sent: [...sent].reverse(),
    };
  }

  return {
    view,
    async sendDue() {
      const { at, messages } = await plan();
      for (const message of messages.filter((m) => m.due)) {
        const customer = Object.values(DEMO_CUSTOMERS).find((c) => c.name === message.customerName);
        history.push({ customerId: customer?.externalCustomerId ?? message.customerName, connectionId: message.connectionId, channel: message.channel, step: message.step, sentAt: at });
        sent.push({ ...message, sentAt: new Date(at).toISOString() });
      }
      if (sent.length > MAX_SENT) sent = sent.slice(-MAX_SENT);
      return view();
    },
    statusChanged(connectionId) {
      needsActionSince.set(connectionId, now());
    },
    reset() {
      clock.set({ real: true });
      history = seededHistory();
      sent = [];
      needsActionSince.clear();
    },
  };
}
