import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/core/index.js';
import { planReconnectNotifications, type NotificationTarget, type SentNotification } from '../../src/server/index.js';

const NOW = Date.parse('2026-03-10T15:00:00Z'); // 11:00 in New York, 15:00 in London
const broken = (id: string, extra: Partial<Connection> = {}): Connection => ({
  id,
  status: 'RECONNECT_REQUIRED',
  statusReason: 'LOGIN_REQUIRED',
  externalCustomerId: 'cust-1',
  institutionName: 'First Bank',
  ...extra,
});
const target = (connection: Connection, extra: Partial<NotificationTarget> = {}): NotificationTarget => ({ connection, timeZone: 'Europe/London', ...extra });

describe('planReconnectNotifications', () => {
  it('given a connection that needs a new sign-in, should plan the first step (in-app) now, for its customer', () => {
    const plan = planReconnectNotifications({ connections: [target(broken('c1'))], now: NOW });
    expect(plan).toEqual([
      expect.objectContaining({ customerId: 'cust-1', connectionId: 'c1', kind: 'reconnect', channel: 'in-app', step: 0, due: true, sendAt: new Date(NOW), locale: 'en' }),
    ]);
    expect(plan[0]?.subject).toBe('Reconnect First Bank to keep your accounts up to date');
    expect(plan[0]?.text).toBe('Your connection to First Bank stopped updating. Sign in again to fix it: {link}');
  });

  it.each([
    ['ACTIVE', null],
    ['ACTIVE', 'NEW_ACCOUNTS_AVAILABLE'],
    ['IN_PROGRESS', null],
    ['DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE'],
    ['DEGRADED', 'SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE'],
    ['UNDETERMINED', 'AGGREGATION_TIMEOUT'],
    ['RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION'],
    ['PARTIALLY_ACTIVE', 'INACTIVE_DUPLICATE'],
    ['EXPIRED', null],
    ['DELETED', null],
    ['SOMETHING_NEW', null],
  ])('given %s / %s, should plan nothing (the customer has nothing to do)', (status, statusReason) => {
    expect(planReconnectNotifications({ connections: [target(broken('c1', { status, statusReason }))], now: NOW })).toEqual([]);
  });

  it.each([
    ['DEGRADED', 'INSTITUTION_ACTION_REQUIRED', 'institution-action'],
    ['RECONNECT_REQUIRED', 'TOKEN_EXPIRED', 'reconnect'],
    ['CUSTOMER_ACTION_REQUIRED', null, 'reconnect'],
    ['UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES', 'start-new-connection'],
    ['UNRECOVERABLE', 'INSTITUTION_DISABLED', 'choose-another-institution'],
    ['ACTIVE', 'ACCESS_EXPIRING_SOON', 'expiring-soon'],
  ])('given %s / %s, should plan a %s message', (status, statusReason, kind) => {
    expect(planReconnectNotifications({ connections: [target(broken('c1', { status, statusReason }))], now: NOW })[0]?.kind).toBe(kind);
  });

  it('should climb the ladder: e-mail once 2 days have passed since the connection broke, then stop after the last step', () => {
    const since = NOW - 3 * 86_400_000;
    const history: SentNotification[] = [{ customerId: 'cust-1', connectionId: 'c1', channel: 'in-app', step: 0, sentAt: since }];
    const [second] = planReconnectNotifications({ connections: [target(broken('c1'), { needsActionSince: since })], history, now: NOW });
    expect(second).toMatchObject({ channel: 'email', step: 1, due: true });
    const done = [...history, { customerId: 'cust-1', connectionId: 'c1', channel: 'email', step: 1, sentAt: since + 86_400_000 * 2 }, { customerId: 'cust-1', connectionId: 'c1', channel: 'email', step: 2, sentAt: since + 86_400_000 * 2.5 }];
    expect(planReconnectNotifications({ connections: [target(broken('c1'), { needsActionSince: since })], history: done, now: NOW + 30 * 86_400_000 })).toEqual([]);
  });

  it('should wait for the next step\'s day, and say when', () => {
    const since = NOW - 86_400_000;
    const history: SentNotification[] = [{ customerId: 'cust-1', connectionId: 'c1', channel: 'in-app', step: 0, sentAt: since }];
    const [next] = planReconnectNotifications({ connections: [target(broken('c1'), { needsActionSince: since })], history, now: NOW });
    expect(next).toMatchObject({ step: 1, due: false, sendAt: new Date(since + 2 * 86_400_000) });
  });

  it('should start a new episode when the connection broke again after earlier messages', () => {
    const history: SentNotification[] = [{ customerId: 'cust-1', connectionId: 'c1', channel: 'email', step: 2, sentAt: NOW - 40 * 86_400_000 }];
    const [first] = planReconnectNotifications({ connections: [target(broken('c1'), { needsActionSince: NOW - 3_600_000 })], history, now: NOW });
    expect(first).toMatchObject({ step: 0, channel: 'in-app', due: true });
  });

  it('should hold a message in quiet hours until they end in the customer\'s zone', () => {
    const night = Date.parse('2026-03-10T03:00:00Z'); // 23:00 in New York (EDT since 8 March)
    const [held] = planReconnectNotifications({ connections: [target(broken('c1'), { timeZone: 'America/New_York' })], now: night });
    expect(held).toMatchObject({ due: false, sendAt: new Date('2026-03-10T12:00:00Z') }); // 08:00 EDT
  });

  it.each([
    // New York springs forward at 02:00 on 8 March 2026: 02:30 does not exist that night, so 03:00 EDT.
    ['America/New_York', '2026-03-08T04:00:00Z', { start: '21:00', end: '02:30' }, '2026-03-08T07:00:00Z'],
    // New York falls back at 02:00 on 1 November 2026: the first 01:30 (EDT).
    ['America/New_York', '2026-11-01T03:00:00Z', { start: '22:00', end: '01:30' }, '2026-11-01T05:30:00Z'],
    // Lord Howe falls back 30 minutes at 02:00 on 5 April 2026: 01:45 comes first at +11:00.
    ['Australia/Lord_Howe', '2026-04-04T12:00:00Z', { start: '22:00', end: '01:45' }, '2026-04-04T14:45:00Z'],
    // Lord Howe springs forward 30 minutes at 02:00 on 4 October 2026: 02:15 does not exist, so 02:30 (+11:00).
    ['Australia/Lord_Howe', '2026-10-03T12:00:00Z', { start: '22:00', end: '02:15' }, '2026-10-03T15:30:00Z'],
    // Kolkata: no DST, a half-hour offset.
    ['Asia/Kolkata', '2026-03-10T17:00:00Z', { start: '21:00', end: '08:00' }, '2026-03-11T02:30:00Z'],
  ] as const)('in %s from %s, should hold a message until the first minute after quiet hours %j', (timeZone, now, quietHours, expected) => {
    const [held] = planReconnectNotifications({ connections: [target(broken('c1'), { timeZone })], now: Date.parse(now), policy: { quietHours } });
    expect(held?.sendAt.toISOString()).toBe(new Date(expected).toISOString());
  });

  it('should keep one customer under the cap across connections, in a fixed order', () => {
    const connections = [target(broken('c2')), target(broken('c1')), target(broken('c3', { externalCustomerId: 'cust-2' }))];
    const plan = planReconnectNotifications({ connections, now: NOW, policy: { cap: { max: 1, windowHours: 24 } } });
    expect(plan.map((p) => [p.customerId, p.connectionId, p.due])).toEqual([
      ['cust-1', 'c1', true],
      ['cust-2', 'c3', true],
      ['cust-1', 'c2', false],
    ]);
    expect(plan[2]?.sendAt.getTime()).toBe(NOW + 86_400_000);
  });

  it('should write Spanish from the catalog, with the renewal date in the customer\'s calendar', () => {
    const connection = broken('c1', {
      status: 'ACTIVE',
      statusReason: 'ACCESS_EXPIRING_SOON',
      serviceProviderDetails: { serviceProvider: 'PLAID', consent_expiration_time: '2026-03-12T23:30:00Z' },
    });
    const [es] = planReconnectNotifications({ connections: [target(connection, { locale: 'es-MX', timeZone: 'Asia/Kolkata' })], now: NOW });
    expect(es?.locale).toBe('es');
    expect(es?.subject).toBe('Tu acceso a First Bank caduca pronto');
    expect(es?.text).toContain('antes del 13 de marzo de 2026');
    expect(es?.renewBy?.toISOString()).toBe('2026-03-12T23:30:00.000Z');
  });

  it('given policy.renewal, should tell a customer about a renewal due while Meld still says ACTIVE, and not earlier', () => {
    const connection = broken('c1', { status: 'ACTIVE', statusReason: null });
    const policy = { renewal: { promptDaysBefore: 14, periodDays: 90 } };
    const at = (daysAgo: number) =>
      planReconnectNotifications({ connections: [target(connection, { lastAuthorizedAt: NOW - daysAgo * 86_400_000 })], now: NOW, policy });
    expect(at(70)).toEqual([]);
    expect(at(80)[0]).toMatchObject({ kind: 'renewal-due', subject: expect.stringContaining('Renew your access to First Bank by'), due: true });
    expect(planReconnectNotifications({ connections: [target(connection, { lastAuthorizedAt: NOW - 80 * 86_400_000 })], now: NOW })).toEqual([]);
  });

  it('should fill in the host\'s link, and put nothing else of the connection in the message', () => {
    const connection = broken('c1', { balance: 1234.56, accessToken: 'access-sandbox-secret', institutionName: 'Bank\r\nBcc: attacker@example.com' });
    const [planned] = planReconnectNotifications({
      connections: [target(connection)],
      now: NOW,
      policy: { link: ({ connectionId }) => `https://app.example/repair?l=${connectionId}` },
    });
    expect(planned?.text).toContain('https://app.example/repair?l=c1');
    const all = `${planned?.subject} ${planned?.text}`;
    expect(all).not.toMatch(/1234|secret|\r|\n/);
    expect(planned?.subject).toBe('Reconnect Bank Bcc: attacker@example.com to keep your accounts up to date');
  });

  it('should write the host\'s own wording where it gives one, per language, and the kit\'s elsewhere', () => {
    const policy = {
      link: () => 'https://app.example/r',
      messages: {
        en: { 'notify.reconnect.subject': 'Action needed: {institution}' },
        es: { 'notify.reconnect.text': 'Vuelve a entrar en {institution}: {link}' },
      },
    };
    const plan = (locale: string) => planReconnectNotifications({ connections: [target(broken('c1'), { locale })], now: NOW, policy })[0];
    expect(plan('en')).toMatchObject({ subject: 'Action needed: First Bank', text: 'Your connection to First Bank stopped updating. Sign in again to fix it: https://app.example/r' });
    expect(plan('es')?.text).toBe('Vuelve a entrar en First Bank: https://app.example/r');
    expect(plan('es')?.subject).not.toBe('Action needed: First Bank');
    expect(() => planReconnectNotifications({ connections: [], now: NOW, policy: { messages: { en: { 'notify.nope.subject': 'x' } as never } } })).toThrow(/unknown key "notify.nope.subject"/);
    expect(() => planReconnectNotifications({ connections: [], now: NOW, policy: { messages: { es: { 'notify.reconnect.text': '' } } } })).toThrow(/non-empty string/);
  });

  it('should refuse a policy it cannot follow, naming the fix', () => {
    expect(() => planReconnectNotifications({ connections: [], now: NOW, policy: { quietHours: { start: '9pm', end: '08:00' } } })).toThrow(/HH:MM/);
    expect(() => planReconnectNotifications({ connections: [], now: NOW, policy: { cap: { max: 0, windowHours: 24 } } })).toThrow(/cap/);
    expect(() => planReconnectNotifications({ connections: [], now: NOW, policy: { defaultTimeZone: 'Nowhere/Special' } })).toThrow(/time zone/);
  });
});
