import { afterEach, describe, expect, it, vi } from 'vitest';
import { getStatusDecision, getStatusInfo } from '../../src/core/index.js';
import { SEED_001 } from './seed001.js';

afterEach(() => vi.restoreAllMocks());

describe('getStatusInfo', () => {
  it.each(SEED_001)('given %s / %s, should carry the decision and Meld\'s prose', (status, reason, refresh, reconnect, phrase) => {
    const info = getStatusInfo(status, reason);
    expect(info).toMatchObject(getStatusDecision(status, reason));
    expect(info.canRefresh).toBe(refresh === 'Yes');
    expect(info.canReconnect).toBe(reconnect === 'Yes');
    expect(info.description).toContain(phrase);
    expect(info.recommendedAction).not.toBe('');
  });

  it('given RECONNECT_REQUIRED without a reason, should describe it with the OTHER row', () => {
    expect(getStatusInfo('RECONNECT_REQUIRED').description).toContain('Various other reasons requiring reconnection');
  });

  it('given an unknown pair, should say it is not in Meld\'s table', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const info = getStatusInfo('ACTIVE', 'SOMETHING_NEW');
    expect(info.known).toBe(false);
    expect(info.description).toMatch(/not in Meld's published table/);
    expect(info.recommendedAction).toMatch(/no refresh, repair or update/);
  });
});
