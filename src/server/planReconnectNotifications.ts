import { getRenewal } from '../core/getRenewal.js';
import { getStatusDecision } from '../core/getStatusDecision.js';
import type { Connection } from '../core/types.js';
import { commonMessages } from '../i18n/commonMessages.js';
import { es } from '../i18n/es.js';
import { esNotificationMessages } from '../i18n/esNotificationMessages.js';
import { formatMessage } from '../i18n/messages.js';
import { notificationMessages } from '../i18n/notificationMessages.js';
import { isTimeZone, nextLoudMoment, parseClock, type QuietHours, type QuietWindow } from './quietHours.js';
import { safeText } from './sanitize.js';

export type { QuietHours };

/** Why a customer is told: the prompt the status table (or the renewal policy) asks for. */
export type NotificationKind =
  | 'reconnect'
  | 'expiring-soon'
  | 'renewal-due'
  | 'institution-action'
  | 'start-new-connection'
  | 'choose-another-institution';

/** Where a message goes. The host's sender decides what each means. */
export type NotificationChannel = 'in-app' | 'email' | 'sms' | 'push' | (string & {});

/** One rung of the escalation ladder: its channel, and how long after the connection began needing the customer. */
export interface EscalationStep {
  channel: NotificationChannel;
  /** Days after `needsActionSince` (or the first message) before this step may go out. */
  afterDays: number;
}

/** A connection to plan for, with whom it belongs to. */
export interface NotificationTarget {
  connection: Connection;
  /** Whom to notify: the host's id for the customer. Defaults to the connection's `externalCustomerId`. */
  customerId?: string | undefined;
  /** The customer's IANA time zone, for quiet hours and dates. Defaults to the policy's `defaultTimeZone`. */
  timeZone?: string | undefined;
  /** `es…` writes Spanish; anything else English. */
  locale?: string | undefined;
  /**
   * When the connection began to need the customer (e.g. the STATUS_CHANGE
   * webhook's time), as the host recorded it. Messages sent before it belong
   * to an earlier episode and do not count. Defaults to the first message in
   * `history` for the connection, else now.
   */
  needsActionSince?: Date | number | string | undefined;
  /** The host's record of the customer's last authorization, for `policy.renewal`. */
  lastAuthorizedAt?: Date | number | string | undefined;
}

/** A message the host sent (or showed) earlier, as it recorded it. */
export interface SentNotification {
  customerId: string;
  connectionId: string;
  channel: NotificationChannel;
  /** The ladder step it was (`PlannedNotification.step`). */
  step: number;
  sentAt: Date | number | string;
}

export interface NotificationPolicy {
  /** The ladder, in order. Defaults to in-app at once, e-mail after 2 days, e-mail again after 7. */
  escalation?: readonly EscalationStep[] | undefined;
  /** At most `max` messages to one customer in any `windowHours` (all channels). Defaults to 1 in 24 hours. */
  cap?: { max: number; windowHours: number } | undefined;
  /** Hours between two messages about one connection, whatever the ladder says. Defaults to 24. */
  minHoursBetweenSteps?: number | undefined;
  /** No message in these local hours of the customer's zone. Defaults to 21:00-08:00; `false` for none. */
  quietHours?: QuietHours | false | undefined;
  /** The zone for targets without a known one. Defaults to `UTC`. */
  defaultTimeZone?: string | undefined;
  /**
   * Tell customers about a renewal this many days before it is due, while
   * Meld still says ACTIVE. Needs a date: the provider's (see `getRenewal`) or
   * the host's period from each target's `lastAuthorizedAt`.
   */
  renewal?: { promptDaysBefore: number; periodDays?: number | undefined } | undefined;
  /** Writes the repair link into the text. Without it, the text keeps a `{link}` placeholder. */
  link?: ((target: { customerId: string; connectionId: string }) => string) | undefined;
  /**
   * Your own wording, per language, over the kit's templates (keys as in
   * `notificationMessages`; `{institution}`, `{date}` and `{link}` are filled
   * in). Keys you leave out keep the kit's text.
   *
   * @example
   * messages: { en: { 'notify.reconnect.subject': 'Action needed: reconnect {institution}' } }
   */
  messages?: NotificationMessageOverrides | undefined;
}

/** The keys of the notification templates (`notificationMessages`). */
export type NotificationMessageKey = keyof typeof notificationMessages;

/** Host wording over the kit's notification templates, per language. */
export interface NotificationMessageOverrides {
  en?: Partial<Record<NotificationMessageKey, string>> | undefined;
  es?: Partial<Record<NotificationMessageKey, string>> | undefined;
}

/** One message to send: what, to whom, on which channel, when. */
export interface PlannedNotification {
  customerId: string;
  connectionId: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  /** Its index in the ladder: record it in `history` once sent. */
  step: number;
  /** The earliest moment it may go: now, or later for the ladder, the cap or quiet hours. */
  sendAt: Date;
  /** `sendAt` is not after `now`: send it now. The others are for a later run to confirm. */
  due: boolean;
  locale: 'en' | 'es';
  subject: string;
  text: string;
  /** For `expiring-soon` and `renewal-due`, when a date is known. */
  renewBy?: Date | undefined;
}

export interface PlanReconnectNotificationsInput {
  connections: readonly NotificationTarget[];
  history?: readonly SentNotification[] | undefined;
  policy?: NotificationPolicy | undefined;
  now: Date | number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEFAULT_LADDER: readonly EscalationStep[] = [
  { channel: 'in-app', afterDays: 0 },
  { channel: 'email', afterDays: 2 },
  { channel: 'email', afterDays: 7 },
];
const DEFAULT_QUIET: QuietHours = { start: '21:00', end: '08:00' };
const MAX_INSTITUTION = 80;

type Catalog = Readonly<Record<NotificationMessageKey, string>>;

/** The kit's templates with the host's wording over them; unknown keys and non-strings are refused. */
function catalogsOf(overrides: NotificationMessageOverrides | undefined): Record<'en' | 'es', Catalog> {
  const base: Record<'en' | 'es', Catalog> = { en: notificationMessages, es: esNotificationMessages };
  if (overrides === undefined) return base;
  const out = { ...base };
  for (const locale of ['en', 'es'] as const) {
    const given = overrides[locale];
    if (given === undefined) continue;
    for (const [key, value] of Object.entries(given)) {
      if (!Object.hasOwn(notificationMessages, key)) fail(`\`messages.${locale}\` has an unknown key ${JSON.stringify(key)}; the keys are those of notificationMessages.`);
      if (typeof value !== 'string' || value === '') fail(`\`messages.${locale}[${JSON.stringify(key)}]\` must be a non-empty string.`);
    }
    out[locale] = { ...base[locale], ...given };
  }
  return out;
}

function toTime(value: Date | number | string | null | undefined): number | undefined {
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(time) ? time : undefined;
}

function fail(message: string): never {
  throw new TypeError(`meld-reconnect-kit: planReconnectNotifications: ${message}`);
}

/** What the status table asks of the customer, or undefined when they are not to be told. */
function kindOf(connection: Connection): NotificationKind | 'renewal-candidate' | undefined {
  const decision = getStatusDecision(connection.status, connection.statusReason);
  if (!decision.known || decision.terminal) return undefined;
  if (decision.prompt === 'expiring-soon') return 'expiring-soon';
  if (decision.prompt === 'none' && decision.status === 'ACTIVE') return 'renewal-candidate';
  if (!decision.customerMustAct) return undefined;
  switch (decision.prompt) {
    case 'reconnect':
    case 'institution-action':
    case 'start-new-connection':
    case 'choose-another-institution':
      return decision.prompt;
    default:
      return undefined;
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function writeDay(date: Date, locale: 'en' | 'es', timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone });
    if (dayFormats.size < 512) dayFormats.set(key, format);
  }
  return format.format(date);
}

/** The sends that count against one customer's cap, sorted. */
function insertSorted(list: number[], time: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > time) i -= 1;
  list.splice(i, 0, time);
}

/**
 * The earliest moment at or after `from` that is outside quiet hours and keeps
 * every window of `windowMs` around it under `max` sends (so no window, before
 * or after, goes over the cap).
 */
function placeUnderCap(from: number, sends: readonly number[], max: number, windowMs: number, zone: string, quiet: QuietWindow | undefined): number {
  let at = from;
  for (;;) {
    if (quiet) at = nextLoudMoment(at, zone, quiet);
    let first = -1;
    let count = 0;
    for (let i = 0; i < sends.length; i += 1) {
      const sent = sends[i] as number;
      if (sent <= at - windowMs) continue;
      if (sent >= at + windowMs) break;
      if (first < 0) first = i;
      count += 1;
    }
    if (count < max) return at;
    // Wait until the oldest send near it is a whole window behind.
    at = (sends[first] as number) + windowMs;
  }
}

/**
 * Plans the messages that bring customers back to repair their connections:
 * what to send, to whom, on which channel, and when. Pure: it sends nothing
 * (the host's mailer and in-app inbox do) and the same input always gives the
 * same plan.
 *
 * - Only where the status table asks the customer to act (`customerMustAct`:
 *   reconnect, the bank's own request, a new connection), Meld's
 *   ACCESS_EXPIRING_SOON, and, when `policy.renewal` asks, a renewal coming
 *   due on a healthy ACTIVE connection. Never temporary outages, in-progress,
 *   healthy, unknown, expired or deleted connections: a connection that heals
 *   or is deleted drops out of the plan at once.
 * - An escalation ladder per episode (in-app first, then e-mail...), one step
 *   per message, never two steps closer than `minHoursBetweenSteps`.
 * - A cap per customer over all their connections and channels, counted with
 *   `history` and with the other messages of this plan.
 * - Quiet hours in the customer's own time zone, DST-correct.
 *
 * Run it on a schedule, send the `due` ones, add them to `history`. The
 * others say when to run again; re-plan before sending them, since the
 * connection may have healed meanwhile. Templates come from the kit's
 * catalogs (English and Spanish) and hold the bank's name, a date and the
 * link, nothing else.
 */
export function planReconnectNotifications(input: PlanReconnectNotificationsInput): PlannedNotification[] {
  const policy = input.policy ?? {};
  const now = toTime(input.now) ?? fail('`now` must be a Date or epoch milliseconds.');
  const ladder = policy.escalation ?? DEFAULT_LADDER;
  if (ladder.some((step) => !(step.afterDays >= 0) || typeof step.channel !== 'string')) fail('each escalation step needs a channel and `afterDays` >= 0.');
  const cap = policy.cap ?? { max: 1, windowHours: 24 };
  if (!Number.isInteger(cap.max) || cap.max < 1 || !(cap.windowHours > 0)) fail('`cap` needs an integer `max` >= 1 and `windowHours` > 0.');
  const windowMs = cap.windowHours * HOUR;
  const gapMs = (policy.minHoursBetweenSteps ?? 24) * HOUR;
  if (!(gapMs >= 0)) fail('`minHoursBetweenSteps` must be >= 0.');
  const quietHours = policy.quietHours === undefined ? DEFAULT_QUIET : policy.quietHours;
  let quiet: QuietWindow | undefined;
  if (quietHours) {
    const start = parseClock(quietHours.start);
    const end = parseClock(quietHours.end);
    if (start === undefined || end === undefined) fail('`quietHours` needs `start` and `end` as HH:MM.');
    quiet = start === end ? undefined : [start, end];
  }
  const defaultZone = policy.defaultTimeZone ?? 'UTC';
  if (!isTimeZone(defaultZone)) fail(`unknown time zone ${JSON.stringify(defaultZone)}.`);
  const renewal = policy.renewal;
  const catalogs = catalogsOf(policy.messages);

  // History, by customer (for the cap) and by connection (for the ladder).
  const sendsByCustomer = new Map<string, number[]>();
  const sentByConnection = new Map<string, { step: number; at: number }[]>();
  for (const sent of input.history ?? []) {
    const at = toTime(sent.sentAt);
    if (at === undefined || typeof sent.customerId !== 'string' || typeof sent.connectionId !== 'string') continue;
    let sends = sendsByCustomer.get(sent.customerId);
    if (!sends) sendsByCustomer.set(sent.customerId, (sends = []));
    sends.push(at);
    let steps = sentByConnection.get(sent.connectionId);
    if (!steps) sentByConnection.set(sent.connectionId, (steps = []));
    steps.push({ step: sent.step, at });
  }
  for (const sends of sendsByCustomer.values()) sends.sort((a, b) => a - b);

  // A fixed order, so that who gets the cap's room does not depend on the input's order.
  const targets = input.connections
    .map((target, index) => ({ target, index, customerId: target.customerId ?? target.connection?.externalCustomerId }))
    .filter((t): t is typeof t & { customerId: string } => typeof t.customerId === 'string' && t.customerId !== '' && typeof t.target.connection?.id === 'string')
    .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : a.target.connection.id < b.target.connection.id ? -1 : a.target.connection.id > b.target.connection.id ? 1 : a.index - b.index));

  const planned: PlannedNotification[] = [];
  const seen = new Set<string>();
  for (const { target, customerId } of targets) {
    const { connection } = target;
    if (seen.has(connection.id)) continue;
    seen.add(connection.id);
    let kind = kindOf(connection);
    if (kind === undefined || (kind === 'renewal-candidate' && !renewal)) continue;
    const zone = isTimeZone(target.timeZone) ? target.timeZone : defaultZone;
    let renewBy: Date | undefined;
    if (kind === 'expiring-soon' || kind === 'renewal-candidate') {
      const policyPeriod = renewal?.periodDays;
      const renewalPolicy = policyPeriod === undefined ? undefined : { lastAuthorizedAt: target.lastAuthorizedAt, periodDays: policyPeriod };
      // In UTC first (no Intl): only a date near enough is worth counting in the customer's calendar.
      renewBy = getRenewal(connection, { now, policy: renewalPolicy }).renewBy;
      if (kind === 'renewal-candidate') {
        if (!renewal || !renewBy || renewBy.getTime() - now > (renewal.promptDaysBefore + 2) * DAY) continue;
        const daysLeft = getRenewal(connection, { now, timeZone: zone, policy: renewalPolicy }).daysLeft;
        if (daysLeft === undefined || daysLeft > renewal.promptDaysBefore) continue;
        kind = 'renewal-due';
      }
    }

    const history = sentByConnection.get(connection.id) ?? [];
    const since = toTime(target.needsActionSince);
    let episodeStart = since ?? history.reduce((min, sent) => Math.min(min, sent.at), now);
    if (episodeStart > now) episodeStart = now;
    let nextStep = 0;
    let lastAt = -Infinity;
    for (const sent of history) {
      if (sent.at < episodeStart) continue;
      if (Number.isInteger(sent.step)) nextStep = Math.max(nextStep, sent.step + 1);
      lastAt = Math.max(lastAt, sent.at);
    }
    const step = ladder[nextStep];
    if (!step) continue; // the ladder is done: the in-app prompt stays, no more messages

    const sends = sendsByCustomer.get(customerId) ?? [];
    if (!sendsByCustomer.has(customerId)) sendsByCustomer.set(customerId, sends);
    const earliest = Math.max(now, episodeStart + step.afterDays * DAY, lastAt + gapMs);
    const sendAt = placeUnderCap(earliest, sends, cap.max, windowMs, zone, quiet);
    insertSorted(sends, sendAt);

    const locale = typeof target.locale === 'string' && target.locale.toLowerCase().startsWith('es') ? 'es' : 'en';
    const catalog = catalogs[locale];
    // One line (an e-mail subject must not gain headers), as text; the bank's name and nothing else of the connection.
    const institution = safeText(connection.institutionName?.replace(/\s+/g, ' '), MAX_INSTITUTION) ?? (locale === 'es' ? es : commonMessages)['institution.fallback'];
    const values: Record<string, string> = { institution };
    if (renewBy) values.date = writeDay(renewBy, locale, zone);
    if (policy.link) values.link = policy.link({ customerId, connectionId: connection.id });
    const textKey = kind === 'expiring-soon' && renewBy ? 'notify.expiring-soon-date.text' : (`notify.${kind}.text` as const);
    planned.push({
      customerId,
      connectionId: connection.id,
      kind,
      channel: step.channel,
      step: nextStep,
      sendAt: new Date(sendAt),
      due: sendAt <= now,
      locale,
      subject: formatMessage(catalog[`notify.${kind}.subject`], values),
      text: formatMessage(catalog[textKey], values),
      ...(renewBy && (kind === 'expiring-soon' || kind === 'renewal-due') ? { renewBy } : {}),
    });
  }
  return planned.sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime() || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : 0));
}
