import { describe, expect, it } from 'vitest';
import { getRenewal, type Connection } from '../../src/core/index.js';

const base: Connection = { id: 'c1', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON' };
const plaid = (details: Record<string, unknown>): Connection => ({ ...base, serviceProviderDetails: { serviceProvider: 'PLAID', ...details } });
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('getRenewal', () => {
  describe('given a provider date', () => {
    it('should read Plaid\'s consent_expiration_time at the top of serviceProviderDetails', () => {
      const renewal = getRenewal(plaid({ consent_expiration_time: '2026-03-12T10:00:00Z' }), { now: NOW });
      expect(renewal).toEqual({ renewBy: new Date('2026-03-12T10:00:00Z'), source: 'provider', daysLeft: 11 });
    });

    it('should read Plaid\'s Item (item.consent_expiration_time), with an offset', () => {
      const renewal = getRenewal(plaid({ item: { consent_expiration_time: '2026-03-12T01:00:00+05:30' } }), { now: NOW });
      expect(renewal.renewBy?.toISOString()).toBe('2026-03-11T19:30:00.000Z');
      expect(renewal.source).toBe('provider');
    });

    it('should read Yodlee\'s consent.expirationDate (a bare date: the start of that day in UTC), the earliest of several', () => {
      const one = getRenewal({ ...base, serviceProviderDetails: { serviceProvider: 'YODLEE', consent: { expirationDate: '2026-06-30' } } }, { now: NOW });
      expect(one.renewBy?.toISOString()).toBe('2026-06-30T00:00:00.000Z');
      const many = getRenewal(
        { ...base, serviceProviderDetails: { serviceProvider: 'YODLEE', consent: [{ expirationDate: '2026-07-01' }, { expirationDate: '2026-05-02' }, { expirationDate: 'soon' }] } },
        { now: NOW },
      );
      expect(many.renewBy?.toISOString()).toBe('2026-05-02T00:00:00.000Z');
    });

    it('should read the consentExpiresAt the host backend derived, for any provider', () => {
      const renewal = getRenewal({ ...base, consentExpiresAt: '2026-04-01T00:00:00Z', serviceProviderDetails: { serviceProvider: 'MX' } }, { now: NOW });
      expect(renewal.source).toBe('provider');
      expect(renewal.renewBy?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    });

    it('should prefer the provider\'s date over the host\'s policy', () => {
      const renewal = getRenewal(plaid({ consent_expiration_time: '2026-03-12T10:00:00Z' }), { now: NOW, policy: { lastAuthorizedAt: '2026-02-01T00:00:00Z', periodDays: 90 } });
      expect(renewal.source).toBe('provider');
    });

    it('should not read one provider\'s field under another provider\'s name', () => {
      const mx = { ...base, serviceProviderDetails: { serviceProvider: 'MX', consent_expiration_time: '2026-03-12T10:00:00Z', consent: { expirationDate: '2026-03-12' } } };
      expect(getRenewal(mx, { now: NOW })).toEqual({ source: 'unknown' });
      expect(getRenewal({ ...base, serviceProviderDetails: { consent_expiration_time: '2026-03-12T10:00:00Z' } }, { now: NOW })).toEqual({ source: 'unknown' });
    });
  });

  describe('given a policy the host opts into', () => {
    it.each([90, 180, 365])('should add %i days of elapsed time to the last authorization', (periodDays) => {
      const renewal = getRenewal(base, { now: NOW, policy: { lastAuthorizedAt: '2026-01-10T09:00:00Z', periodDays } });
      expect(renewal.source).toBe('policy');
      expect(renewal.renewBy?.getTime()).toBe(Date.parse('2026-01-10T09:00:00Z') + periodDays * 86_400_000);
    });

    it('should accept any positive period and a Date or epoch milliseconds', () => {
      expect(getRenewal(base, { now: NOW, policy: { lastAuthorizedAt: new Date(NOW), periodDays: 1.5 } }).renewBy?.getTime()).toBe(NOW + 129_600_000);
      expect(getRenewal(base, { now: NOW, policy: { lastAuthorizedAt: NOW, periodDays: 30 } }).daysLeft).toBe(30);
    });
  });

  describe('given nothing to go on', () => {
    it('should answer unknown, without a date, for Meld\'s ACCESS_EXPIRING_SOON alone', () => {
      expect(getRenewal(base, { now: NOW })).toEqual({ source: 'unknown' });
      expect(getRenewal(null)).toEqual({ source: 'unknown' });
      expect(getRenewal(undefined, { policy: { lastAuthorizedAt: NOW, periodDays: 90 } })).toEqual({ source: 'unknown' });
    });

    it.each([
      ['a missing authorization', { lastAuthorizedAt: undefined, periodDays: 90 }],
      ['an unparseable authorization', { lastAuthorizedAt: 'last Tuesday', periodDays: 90 }],
      ['a date-time without a zone', { lastAuthorizedAt: '2026-01-10T09:00:00', periodDays: 90 }],
      ['a day the month does not have', { lastAuthorizedAt: '2026-02-30T09:00:00Z', periodDays: 90 }],
      ['a zero period', { lastAuthorizedAt: NOW, periodDays: 0 }],
      ['a negative period', { lastAuthorizedAt: NOW, periodDays: -90 }],
      ['a NaN period', { lastAuthorizedAt: NOW, periodDays: Number.NaN }],
      ['an infinite period', { lastAuthorizedAt: NOW, periodDays: Number.POSITIVE_INFINITY }],
    ])('should never invent a date from %s', (_name, policy) => {
      expect(getRenewal(base, { now: NOW, policy })).toEqual({ source: 'unknown' });
    });

    it.each(['2026-13-01T00:00:00Z', '2026-02-29', '1970-01-01T00:00:00Z', 'Thu, 12 Mar 2026 10:00:00 GMT', 1234, null, {}, ''])(
      'should ignore a provider value that is not a strict date (%j)',
      (value) => {
        expect(getRenewal(plaid({ consent_expiration_time: value }), { now: NOW })).toEqual({ source: 'unknown' });
      },
    );
  });

  describe('daysLeft', () => {
    it('should count calendar days in the customer\'s zone: 0 on the day, negative once passed', () => {
      const at = (iso: string) => getRenewal(plaid({ consent_expiration_time: '2026-03-12T10:00:00Z' }), { now: Date.parse(iso), timeZone: 'UTC' }).daysLeft;
      expect(at('2026-03-11T23:59:59Z')).toBe(1);
      expect(at('2026-03-12T00:00:00Z')).toBe(0);
      expect(at('2026-03-12T23:59:59Z')).toBe(0);
      expect(at('2026-03-13T00:00:00Z')).toBe(-1);
    });

    it('should follow the zone\'s calendar, not the elapsed hours', () => {
      const renewal = (timeZone: string) =>
        getRenewal(plaid({ consent_expiration_time: '2026-03-12T20:00:00Z' }), { now: Date.parse('2026-03-11T20:00:00Z'), timeZone }).daysLeft;
      expect(renewal('UTC')).toBe(1);
      // 01:30 on the 12th to 01:30 on the 13th in Kolkata: still one day.
      expect(renewal('Asia/Kolkata')).toBe(1);
      // Sydney: 07:00 on the 12th to 07:00 on the 13th.
      expect(renewal('Australia/Sydney')).toBe(1);
    });

    it('should count a day with a DST change as one day', () => {
      // New York springs forward on 8 March 2026 (a 23-hour day): 01:00 EST on the 8th to 00:30 EDT on the 9th is 22.5 hours.
      const renewal = getRenewal(plaid({ consent_expiration_time: '2026-03-09T04:30:00Z' }), { now: Date.parse('2026-03-08T06:00:00Z'), timeZone: 'America/New_York' });
      expect(renewal.daysLeft).toBe(1);
      // Lord Howe falls back by 30 minutes on 5 April 2026: 23:45 on the 4th (+11:00) to 23:45 on the 5th (+10:30) is 24.5 hours.
      const lordHowe = getRenewal(plaid({ consent_expiration_time: '2026-04-05T13:15:00Z' }), { now: Date.parse('2026-04-04T12:45:00Z'), timeZone: 'Australia/Lord_Howe' });
      expect(lordHowe.daysLeft).toBe(1);
    });

    it('should give no daysLeft (but keep the date) for a zone the runtime does not know', () => {
      const renewal = getRenewal(plaid({ consent_expiration_time: '2026-03-12T10:00:00Z' }), { now: NOW, timeZone: 'Mars/Olympus_Mons' });
      expect(renewal).toEqual({ renewBy: new Date('2026-03-12T10:00:00Z'), source: 'provider' });
    });
  });
});
