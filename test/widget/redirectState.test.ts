import { beforeEach, describe, expect, it } from 'vitest';
import { saveRedirectState, takeRedirectState } from '../../src/index.js';
import { hasRedirectState } from '../../src/core/redirectState.js';

const KEY = 'meld-reconnect-kit:redirect';

beforeEach(() => sessionStorage.clear());

describe('redirect state', () => {
  it('given a saved redirect, should resume it once for the same connection', () => {
    const saved = saveRedirectState('c1', undefined, 1_000);
    expect(saved.state).toMatch(/^[0-9a-f]{32}$/);
    expect(takeRedirectState('c1', { now: 2_000 })).toEqual({ connectionId: 'c1', state: saved.state, startedAt: 1_000 });
    expect(takeRedirectState('c1', { now: 2_000 })).toBeNull();
  });

  it('given a saved redirect, should report it for its connection only, without taking it', () => {
    expect(hasRedirectState('c1')).toBe(false);
    saveRedirectState('c1');
    expect(hasRedirectState('c1')).toBe(true);
    expect(hasRedirectState('c2')).toBe(false);
    expect(sessionStorage.getItem(KEY)).not.toBeNull();
    sessionStorage.setItem(KEY, '{not json');
    expect(hasRedirectState('c1')).toBe(false);
  });

  it('given another connection, should leave the state in place', () => {
    saveRedirectState('c1');
    expect(takeRedirectState('c2')).toBeNull();
    expect(sessionStorage.getItem(KEY)).not.toBeNull();
  });

  it('given a redirect older than 3 hours, should not resume it', () => {
    saveRedirectState('c1', undefined, 0);
    expect(takeRedirectState('c1', { now: 3 * 60 * 60 * 1000 + 1 })).toBeNull();
    expect(sessionStorage.getItem(KEY)).toBeNull();
  });

  it('given a state value the return URL does not match, should not resume it', () => {
    saveRedirectState('c1');
    expect(takeRedirectState('c1', { expectedState: 'forged' })).toBeNull();
  });

  it.each([['not JSON', '{'], ['wrong shape', '{"connectionId":"c1","state":5}'], ['from the future', JSON.stringify({ connectionId: 'c1', state: 'x', startedAt: Date.now() + 60_000 })]])(
    'given %s in storage, should not resume',
    (_label, raw) => {
      sessionStorage.setItem(KEY, raw);
      expect(takeRedirectState('c1')).toBeNull();
    },
  );

  it('given storage that throws (privacy mode, quota), should neither throw nor resume', () => {
    const denied = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    const broken = { getItem: denied, setItem: denied, removeItem: denied } as unknown as Storage;
    expect(() => saveRedirectState('c1', broken)).not.toThrow();
    expect(takeRedirectState('c1', { storage: broken })).toBeNull();
  });
});
