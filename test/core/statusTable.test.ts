import { describe, expect, it } from 'vitest';
import { CONNECTION_STATUSES, STATUS_REASONS, STATUS_TABLE } from '../../src/core/index.js';
import { SEED_001 } from './seed001.js';

describe('STATUS_TABLE', () => {
  it('given seed 001, should hold its 23 rows over 9 statuses, in its order', () => {
    expect(STATUS_TABLE).toHaveLength(23);
    expect(new Set(STATUS_TABLE.map((row) => row.status)).size).toBe(9);
    expect(STATUS_TABLE.map((row) => [row.status, row.reason])).toEqual(
      SEED_001.map(([status, reason]) => [status, reason]),
    );
  });

  it.each(SEED_001)(
    'given %s / %s, should publish refresh=%s and reconnect=%s exactly as Meld does',
    (status, reason, refresh, reconnect, phrase) => {
      const row = STATUS_TABLE.find((r) => r.status === status && r.reason === reason);
      expect(row).toBeDefined();
      expect(row?.canRefresh).toBe(refresh === 'Yes');
      expect(row?.canReconnect).toBe(reconnect === 'Yes');
      expect(row?.description).toContain(phrase);
      expect(row?.recommendedAction.length).toBeGreaterThan(10);
    },
  );

  it('should keep the published RECONNECT_REQUIRED "can be refreshed: Yes" as data', () => {
    const rows = STATUS_TABLE.filter((r) => r.status === 'RECONNECT_REQUIRED');
    expect(rows.map((r) => r.canRefresh)).toEqual([true, true, true, true]);
  });

  it('should be frozen, so a host cannot change the kit\'s decisions by accident', () => {
    expect(Object.isFrozen(STATUS_TABLE)).toBe(true);
    expect(STATUS_TABLE.every((row) => Object.isFrozen(row))).toBe(true);
    expect(() => {
      (STATUS_TABLE[0] as { canRefresh: boolean }).canRefresh = true;
    }).toThrow(TypeError);
  });

  it('should use only the statuses and reasons the kit exports', () => {
    for (const row of STATUS_TABLE) {
      expect(CONNECTION_STATUSES).toContain(row.status);
      if (row.reason !== null) expect(STATUS_REASONS).toContain(row.reason);
    }
    expect(new Set(STATUS_TABLE.map((row) => row.reason).filter(Boolean))).toEqual(new Set(STATUS_REASONS));
  });
});
