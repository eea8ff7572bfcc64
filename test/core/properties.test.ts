import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CONNECTION_STATUSES,
  STATUS_REASONS,
  STATUS_TABLE,
  getStatusDecision,
  getStatusInfo,
  isOperationAllowed,
  type ConnectionOperation,
} from '../../src/core/index.js';

const PROMPTS = [
  'none', 'reconnect', 'expiring-soon', 'new-accounts', 'partial-data', 'institution-action',
  'institution-repairing', 'temporary-outage', 'refresh-on-demand', 'in-progress',
  'start-new-connection', 'choose-another-institution', 'unknown',
];
const SEVERITIES = ['none', 'info', 'warning', 'critical'];
const OPERATIONS: ConnectionOperation[] = ['refresh', 'repair', 'update', 'delete'];
// Seed 001's rows, and the one row from Meld's webhook guide (CUSTOMER_ACTION_REQUIRED, no reason).
const published = new Set([...STATUS_TABLE.map((row) => `${row.status}|${row.reason}`), 'CUSTOMER_ACTION_REQUIRED|null']);

// Anything at all, plus strings near the real vocabulary (the interesting edge).
const statusLike = fc.oneof(
  fc.anything(),
  fc.constantFrom(...CONNECTION_STATUSES, '__proto__', 'constructor', ''),
  fc.string(),
);
const reasonLike = fc.oneof(fc.anything(), fc.constantFrom(...STATUS_REASONS, null, undefined, '__proto__'), fc.string());

beforeAll(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(() => vi.restoreAllMocks());

describe('status model properties', () => {
  it('should never throw and always answer with a known vocabulary', () => {
    fc.assert(
      fc.property(statusLike, reasonLike, (status, reason) => {
        const info = getStatusInfo(status, reason);
        expect(PROMPTS).toContain(info.prompt);
        expect(SEVERITIES).toContain(info.severity);
        expect(typeof info.description).toBe('string');
        for (const op of OPERATIONS) expect(typeof isOperationAllowed(op, status, reason)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('given a pair outside the published table, should be unknown and unlock nothing but delete', () => {
    fc.assert(
      fc.property(statusLike, reasonLike, (status, reason) => {
        const normalizedReason = reason === undefined || reason === '' ? null : reason;
        const isPublished =
          typeof status === 'string' &&
          (normalizedReason === null
            ? published.has(`${status}|null`) || published.has(`${status}|OTHER`)
            : typeof normalizedReason === 'string' && published.has(`${status}|${normalizedReason}`));
        fc.pre(!isPublished);
        const decision = getStatusDecision(status, reason);
        expect(decision.known).toBe(false);
        expect(decision.canRefresh).toBe(false);
        expect(decision.canReconnect).toBe(false);
        expect(isOperationAllowed('refresh', status, reason)).toBe(false);
        expect(isOperationAllowed('repair', status, reason)).toBe(false);
        expect(isOperationAllowed('update', status, reason)).toBe(false);
        expect(['repair', 'refresh']).not.toContain(decision.primaryAction);
      }),
      { numRuns: 2000 },
    );
  });

  it('should allow delete for everything except DELETED', () => {
    fc.assert(
      fc.property(statusLike, reasonLike, (status, reason) => {
        expect(isOperationAllowed('delete', status, reason)).toBe(status !== 'DELETED');
      }),
    );
  });

  it('should only allow an operation Meld would accept on a published row', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUS_TABLE), fc.constantFrom(...OPERATIONS), (row, op) => {
        const allowed = isOperationAllowed(op, row.status, row.reason);
        if (op === 'repair') expect(allowed).toBe(row.canReconnect);
        if (op === 'refresh' && allowed) expect(row.canRefresh).toBe(true);
        if (allowed && op !== 'delete') expect(['EXPIRED', 'DELETED', 'IN_PROGRESS']).not.toContain(row.status);
      }),
    );
  });

  it('should be deterministic', () => {
    fc.assert(
      fc.property(statusLike, reasonLike, (status, reason) => {
        expect(getStatusInfo(status, reason)).toEqual(getStatusInfo(status, reason));
      }),
    );
  });
});
