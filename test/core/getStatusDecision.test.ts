import { afterEach, describe, expect, it, vi } from 'vitest';
import { getStatusDecision, getStatusInfo, isOperationAllowed, STATUS_TABLE, type PromptKind, type Severity } from '../../src/core/index.js';

// What the kit must decide for each row, written from the seed's "recommended
// developer action" column and MELD.md §3, not from the table module.
// [status, reason, prompt, severity, primary action, customer must act, terminal]
const EXPECTED: ReadonlyArray<
  readonly [string, string | null, PromptKind, Severity, string, boolean, boolean]
> = [
  ['IN_PROGRESS', null, 'in-progress', 'none', 'none', false, false],
  ['EXPIRED', null, 'start-new-connection', 'info', 'start-new-connection', false, true],
  ['ACTIVE', null, 'none', 'none', 'none', false, false],
  ['ACTIVE', 'ACCESS_EXPIRING_SOON', 'expiring-soon', 'warning', 'repair', false, false],
  ['ACTIVE', 'NEW_ACCOUNTS_AVAILABLE', 'new-accounts', 'info', 'repair', false, false],
  ['PARTIALLY_ACTIVE', 'PARTIAL_AGGREGATION_SUCCESS', 'partial-data', 'warning', 'refresh', false, false],
  ['PARTIALLY_ACTIVE', 'INACTIVE_DUPLICATE', 'none', 'info', 'none', false, false],
  ['DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE', 'temporary-outage', 'info', 'none', false, false],
  ['DEGRADED', 'INSTITUTION_ACTION_REQUIRED', 'institution-action', 'warning', 'refresh', true, false],
  ['DEGRADED', 'SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE', 'temporary-outage', 'info', 'none', false, false],
  ['DEGRADED', 'INTERACTIVE_REFRESH', 'refresh-on-demand', 'info', 'refresh', false, false],
  ['RECONNECT_REQUIRED', 'LOGIN_REQUIRED', 'reconnect', 'critical', 'repair', true, false],
  ['RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION', 'institution-repairing', 'warning', 'repair', false, false],
  ['RECONNECT_REQUIRED', 'TOKEN_EXPIRED', 'reconnect', 'critical', 'repair', true, false],
  ['RECONNECT_REQUIRED', 'OTHER', 'reconnect', 'critical', 'repair', true, false],
  ['UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES', 'start-new-connection', 'critical', 'start-new-connection', true, false],
  ['UNRECOVERABLE', 'INSTITUTION_DISABLED', 'choose-another-institution', 'critical', 'start-new-connection', true, false],
  ['UNRECOVERABLE', 'OTHER', 'start-new-connection', 'critical', 'start-new-connection', true, false],
  ['UNDETERMINED', 'AGGREGATION_TIMEOUT', 'temporary-outage', 'info', 'none', false, false],
  ['UNDETERMINED', 'SUBMIT_SERVICE_PROVIDER_TICKET', 'temporary-outage', 'info', 'none', false, false],
  ['UNDETERMINED', 'UNKNOWN_SERVICE_PROVIDER_ERROR_CODE', 'temporary-outage', 'info', 'none', false, false],
  ['UNDETERMINED', 'INTERNAL_ERROR', 'temporary-outage', 'info', 'none', false, false],
  ['DELETED', null, 'start-new-connection', 'info', 'start-new-connection', false, true],
];

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('getStatusDecision', () => {
  it.each(EXPECTED)(
    'given %s / %s, should decide prompt %s with severity %s',
    (status, reason, prompt, severity, primaryAction, customerMustAct, terminal) => {
      const decision = getStatusDecision(status, reason);
      expect(decision).toMatchObject({
        status,
        reason,
        known: true,
        prompt,
        severity,
        primaryAction,
        customerMustAct,
        terminal,
      });
    },
  );

  it('given only the temporary outages, should never ask the customer to act', () => {
    for (const reason of ['INSTITUTION_CURRENTLY_UNAVAILABLE', 'SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE']) {
      const decision = getStatusDecision('DEGRADED', reason);
      expect(decision.customerMustAct).toBe(false);
      expect(decision.primaryAction).toBe('none');
    }
  });

  it('given a missing or empty reason, should read it as no reason', () => {
    expect(getStatusDecision('ACTIVE')).toMatchObject({ reason: null, known: true, prompt: 'none' });
    expect(getStatusDecision('ACTIVE', '')).toMatchObject({ reason: null, known: true });
    expect(getStatusDecision('ACTIVE', undefined)).toMatchObject({ reason: null, known: true });
  });

  it('given RECONNECT_REQUIRED without a reason, should read it as its OTHER row', () => {
    expect(getStatusDecision('RECONNECT_REQUIRED', null)).toMatchObject({
      reason: null,
      known: true,
      prompt: 'reconnect',
      canReconnect: true,
    });
    expect(getStatusDecision('UNRECOVERABLE')).toMatchObject({ known: true, prompt: 'start-new-connection' });
  });

  it("given CUSTOMER_ACTION_REQUIRED (Meld's webhook guide: route to repair), should prompt a repair; with a reason Meld never published, unlock nothing", () => {
    expect(getStatusDecision('CUSTOMER_ACTION_REQUIRED', null)).toMatchObject({
      known: true,
      prompt: 'reconnect',
      severity: 'critical',
      primaryAction: 'repair',
      canReconnect: true,
      canRefresh: false,
      customerMustAct: true,
      terminal: false,
    });
    expect(isOperationAllowed('repair', 'CUSTOMER_ACTION_REQUIRED', null)).toBe(true);
    expect(isOperationAllowed('refresh', 'CUSTOMER_ACTION_REQUIRED', null)).toBe(false);
    expect(getStatusInfo('CUSTOMER_ACTION_REQUIRED', null).description).toMatch(/webhook guide/);
    expect(getStatusDecision('CUSTOMER_ACTION_REQUIRED', 'SOMETHING_NEW')).toMatchObject({ known: false, canReconnect: false, primaryAction: 'none' });
    // Seed 001's table stays as published.
    expect(STATUS_TABLE.some((row) => row.status === 'CUSTOMER_ACTION_REQUIRED')).toBe(false);
  });

  describe('given input Meld has not published', () => {
    it('should treat an unknown status as unknown, with no published booleans and no action', () => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      expect(getStatusDecision('SUSPENDED', null)).toEqual({
        status: 'SUSPENDED',
        reason: null,
        known: false,
        canRefresh: false,
        canReconnect: false,
        prompt: 'unknown',
        severity: 'info',
        primaryAction: 'none',
        customerMustAct: false,
        terminal: false,
        nextStep: 'investigate',
      });
    });

    it.each([
      ['ACTIVE', 'none', 'none'],
      ['IN_PROGRESS', 'in-progress', 'none'],
      ['EXPIRED', 'start-new-connection', 'start-new-connection'],
      ['DELETED', 'start-new-connection', 'start-new-connection'],
      ['UNRECOVERABLE', 'start-new-connection', 'start-new-connection'],
      ['RECONNECT_REQUIRED', 'unknown', 'none'],
      ['DEGRADED', 'unknown', 'none'],
      ['PARTIALLY_ACTIVE', 'unknown', 'none'],
      ['UNDETERMINED', 'unknown', 'none'],
    ])('given %s with a new reason, should fall back to the safe prompt %s', (status, prompt, primaryAction) => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const decision = getStatusDecision(status, 'SOMETHING_NEW');
      expect(decision).toMatchObject({ status, reason: 'SOMETHING_NEW', known: false, prompt, primaryAction });
      expect(decision.canRefresh).toBe(false);
      expect(decision.canReconnect).toBe(false);
    });

    it.each([
      ['a number', 42],
      ['an object', { status: 'ACTIVE' }],
      ['an array', ['ACTIVE']],
      ['a symbol', Symbol('ACTIVE')],
      ['__proto__', '__proto__'],
      ['constructor', 'constructor'],
      ['toString', 'toString'],
      ['hasOwnProperty', 'hasOwnProperty'],
      ['a 1 MB string', 'A'.repeat(1_000_000)],
      ['lower case', 'active'],
      ['padded', ' ACTIVE'],
      ['an empty string', ''],
    ])('given %s as the status, should not throw and report unknown', (_label, status) => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const decision = getStatusDecision(status);
      expect(decision.known).toBe(false);
      expect(decision.prompt).toBe('unknown');
      expect(decision.primaryAction).toBe('none');
    });

    it.each([
      ['a number', 7],
      ['an object', {}],
      ['__proto__', '__proto__'],
      ['a huge string', 'LOGIN_REQUIRED'.repeat(10_000)],
    ])('given %s as the reason, should not throw and report unknown', (_label, reason) => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const decision = getStatusDecision('RECONNECT_REQUIRED', reason);
      expect(decision.known).toBe(false);
      expect(decision.canReconnect).toBe(false);
    });

    it('should warn once in development, naming the pair, and keep the message short', () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      getStatusDecision('BRAND_NEW_STATUS', 'WHY');
      getStatusDecision('BRAND_NEW_STATUS', 'WHY');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[0]).toContain('"BRAND_NEW_STATUS"');
      expect(warn.mock.calls[0]?.[0]).toContain('"WHY"');

      getStatusDecision('X'.repeat(100_000));
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[1]?.[0]).length).toBeLessThan(400);
    });

    it('given no status yet (data still loading), should report unknown without a warning', () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      expect(getStatusDecision(undefined).prompt).toBe('unknown');
      expect(getStatusDecision(null, null).known).toBe(false);
      expect(warn).not.toHaveBeenCalled();
    });

    it('should not warn in production', () => {
      vi.stubEnv('NODE_ENV', 'production');
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      getStatusDecision('PRODUCTION_ONLY_STATUS');
      expect(warn).not.toHaveBeenCalled();
    });

    it('should not warn for known pairs', () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      for (const [status, reason] of EXPECTED) getStatusDecision(status, reason);
      expect(warn).not.toHaveBeenCalled();
    });
  });
});
