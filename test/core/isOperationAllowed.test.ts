import { afterEach, describe, expect, it, vi } from 'vitest';
import { isOperationAllowed, type ConnectionOperation } from '../../src/core/index.js';
import { SEED_001 } from './seed001.js';

// Seed 002 and Meld's guides, by hand: [status, reason, refresh, repair, update, delete].
const MATRIX: ReadonlyArray<readonly [string, string | null, boolean, boolean, boolean, boolean]> = [
  ['IN_PROGRESS', null, false, false, false, true],
  ['EXPIRED', null, false, false, false, true],
  ['ACTIVE', null, true, false, true, true],
  ['ACTIVE', 'ACCESS_EXPIRING_SOON', true, true, true, true],
  ['ACTIVE', 'NEW_ACCOUNTS_AVAILABLE', true, true, true, true],
  ['PARTIALLY_ACTIVE', 'PARTIAL_AGGREGATION_SUCCESS', true, true, true, true],
  ['PARTIALLY_ACTIVE', 'INACTIVE_DUPLICATE', true, true, true, true],
  ['DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE', true, true, true, true],
  ['DEGRADED', 'INSTITUTION_ACTION_REQUIRED', true, true, true, true],
  ['DEGRADED', 'SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE', true, true, true, true],
  ['DEGRADED', 'INTERACTIVE_REFRESH', true, true, true, true],
  // Seed 001 publishes refresh "Yes" here, but Meld answers 409: the guard says no.
  ['RECONNECT_REQUIRED', 'LOGIN_REQUIRED', false, true, true, true],
  ['RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION', false, true, true, true],
  ['RECONNECT_REQUIRED', 'TOKEN_EXPIRED', false, true, true, true],
  ['RECONNECT_REQUIRED', 'OTHER', false, true, true, true],
  ['UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES', false, true, true, true],
  ['UNRECOVERABLE', 'INSTITUTION_DISABLED', false, true, true, true],
  ['UNRECOVERABLE', 'OTHER', false, true, true, true],
  ['UNDETERMINED', 'AGGREGATION_TIMEOUT', true, true, true, true],
  ['UNDETERMINED', 'SUBMIT_SERVICE_PROVIDER_TICKET', true, true, true, true],
  ['UNDETERMINED', 'UNKNOWN_SERVICE_PROVIDER_ERROR_CODE', true, true, true, true],
  ['UNDETERMINED', 'INTERNAL_ERROR', true, true, true, true],
  ['DELETED', null, false, false, false, false],
];

const OPERATIONS: ConnectionOperation[] = ['refresh', 'repair', 'update', 'delete'];

afterEach(() => vi.restoreAllMocks());

describe('isOperationAllowed', () => {
  it('should cover every row of seed 001', () => {
    expect(MATRIX.map(([s, r]) => `${s}/${r}`)).toEqual(SEED_001.map(([s, r]) => `${s}/${r}`));
  });

  it.each(MATRIX)('given %s / %s, should allow refresh=%s repair=%s update=%s delete=%s', (status, reason, ...allowed) => {
    expect(OPERATIONS.map((op) => isOperationAllowed(op, status, reason))).toEqual(allowed);
  });

  it('given the statuses Meld answers 409 to for repair, should refuse repair', () => {
    for (const status of ['EXPIRED', 'DELETED', 'IN_PROGRESS']) {
      expect(isOperationAllowed('repair', status)).toBe(false);
    }
  });

  it('given an unknown status or reason, should allow no refresh, repair or update but still delete', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const [status, reason] of [
      ['SUSPENDED', null],
      ['RECONNECT_REQUIRED', 'NEW_REASON'],
      ['ACTIVE', 'NEW_REASON'],
      [42, null],
      ['__proto__', '__proto__'],
    ] as const) {
      expect(isOperationAllowed('refresh', status, reason)).toBe(false);
      expect(isOperationAllowed('repair', status, reason)).toBe(false);
      expect(isOperationAllowed('update', status, reason)).toBe(false);
      expect(isOperationAllowed('delete', status, reason)).toBe(true);
    }
  });

  it('given an operation the kit does not know, should refuse it', () => {
    expect(isOperationAllowed('import' as ConnectionOperation, 'ACTIVE')).toBe(false);
    expect(isOperationAllowed('__proto__' as ConnectionOperation, 'ACTIVE')).toBe(false);
  });
});
