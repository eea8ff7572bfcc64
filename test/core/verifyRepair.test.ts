import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyRepair, type ObservedStatus } from '../../src/core/index.js';

const BROKEN: ObservedStatus = { status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function pushChannel() {
  let listener: ((next: ObservedStatus) => void) | undefined;
  return {
    subscribe: (fn: (next: ObservedStatus) => void) => {
      listener = fn;
      return () => {
        listener = undefined;
      };
    },
    push: (next: ObservedStatus) => listener?.(next),
    get subscribed() {
      return listener !== undefined;
    },
  };
}

describe('verifyRepair', () => {
  describe('given a push channel', () => {
    it('should verify on a pushed ACTIVE without reading', async () => {
      const channel = pushChannel();
      const readConnection = vi.fn();
      const result = verifyRepair({ from: BROKEN, readConnection, subscribe: channel.subscribe });
      await vi.advanceTimersByTimeAsync(2_000);
      channel.push({ status: 'ACTIVE', statusReason: null });
      await expect(result).resolves.toEqual({ outcome: 'verified', status: 'ACTIVE', reason: null, via: 'push' });
      expect(readConnection).not.toHaveBeenCalled();
      expect(channel.subscribed).toBe(false);
    });

    it('should report still-broken with the new reason when the next push is still broken', async () => {
      const channel = pushChannel();
      const result = verifyRepair({ from: BROKEN, readConnection: vi.fn(), subscribe: channel.subscribe });
      channel.push({ status: 'RECONNECT_REQUIRED', statusReason: 'OTHER' });
      await expect(result).resolves.toEqual({
        outcome: 'still-broken',
        status: 'RECONNECT_REQUIRED',
        reason: 'OTHER',
        via: 'push',
      });
    });

    it('should wait through IN_PROGRESS, then read once at the deadline', async () => {
      const channel = pushChannel();
      const readConnection = vi.fn().mockResolvedValue(BROKEN);
      const result = verifyRepair({ from: BROKEN, readConnection, subscribe: channel.subscribe });
      channel.push({ status: 'IN_PROGRESS' });
      await vi.advanceTimersByTimeAsync(29_999);
      expect(readConnection).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      await expect(result).resolves.toMatchObject({ outcome: 'timed-out', status: 'RECONNECT_REQUIRED' });
      expect(readConnection).toHaveBeenCalledTimes(1);
    });
  });

  describe('given the page already knows a newer status', () => {
    it('should decide from it at once, without waiting or reading', async () => {
      const readConnection = vi.fn();
      const channel = pushChannel();
      const result = verifyRepair({ from: BROKEN, initial: { status: 'ACTIVE' }, readConnection, subscribe: channel.subscribe });
      await expect(result).resolves.toMatchObject({ outcome: 'verified', via: 'read' });
      expect(readConnection).not.toHaveBeenCalled();
      expect(channel.subscribed).toBe(false);
    });

    it('given it is the unchanged starting status, should keep waiting', async () => {
      const readConnection = vi.fn().mockResolvedValue({ status: 'ACTIVE' });
      const result = verifyRepair({ from: BROKEN, initial: BROKEN, readConnection });
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(result).resolves.toMatchObject({ outcome: 'verified' });
      expect(readConnection).toHaveBeenCalledTimes(1);
    });
  });

  describe('given no push channel', () => {
    it('should re-read at 1, 3, 7, 15 and 30 s, then give up', async () => {
      const readConnection = vi.fn().mockResolvedValue(BROKEN);
      const result = verifyRepair({ from: BROKEN, readConnection });
      const readsAt: number[] = [];
      for (let second = 1; second <= 31; second += 1) {
        const before = readConnection.mock.calls.length;
        await vi.advanceTimersByTimeAsync(1_000);
        if (readConnection.mock.calls.length > before) readsAt.push(second);
      }
      expect(readsAt).toEqual([1, 3, 7, 15, 30]);
      await expect(result).resolves.toEqual({
        outcome: 'timed-out',
        status: 'RECONNECT_REQUIRED',
        reason: 'LOGIN_REQUIRED',
        via: 'read',
      });
    });

    it('should verify as soon as a read shows ACTIVE', async () => {
      const readConnection = vi
        .fn()
        .mockResolvedValueOnce(BROKEN)
        .mockResolvedValueOnce({ status: 'ACTIVE', statusReason: 'NEW_ACCOUNTS_AVAILABLE' });
      const result = verifyRepair({ from: BROKEN, readConnection });
      await vi.advanceTimersByTimeAsync(3_000);
      await expect(result).resolves.toMatchObject({ outcome: 'verified', via: 'read' });
      expect(readConnection).toHaveBeenCalledTimes(2);
    });

    it('should report still-broken when a read shows a new broken reason', async () => {
      const readConnection = vi.fn().mockResolvedValue({ status: 'RECONNECT_REQUIRED', statusReason: 'TOKEN_EXPIRED' });
      const result = verifyRepair({ from: BROKEN, readConnection });
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(result).resolves.toMatchObject({ outcome: 'still-broken', reason: 'TOKEN_EXPIRED' });
    });

    it('given the repair started from ACTIVE + ACCESS_EXPIRING_SOON, should not call the same status verified', async () => {
      const expiring = { status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON' };
      const readConnection = vi.fn().mockResolvedValueOnce(expiring).mockResolvedValueOnce({ status: 'ACTIVE', statusReason: null });
      const result = verifyRepair({ from: expiring, readConnection });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(readConnection).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(2_000);
      await expect(result).resolves.toMatchObject({ outcome: 'verified', reason: null });
    });

    it('should treat failed reads as no news', async () => {
      const readConnection = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValueOnce({ status: 'ACTIVE' });
      const result = verifyRepair({ from: BROKEN, readConnection });
      await vi.advanceTimersByTimeAsync(3_000);
      await expect(result).resolves.toMatchObject({ outcome: 'verified' });
    });

    it('should stop reading when aborted, rejecting with the reason', async () => {
      const readConnection = vi.fn().mockResolvedValue(BROKEN);
      const controller = new AbortController();
      const result = verifyRepair({ from: BROKEN, readConnection, signal: controller.signal });
      const settled = expect(result).rejects.toBe('left the page');
      await vi.advanceTimersByTimeAsync(1_500);
      controller.abort('left the page');
      await settled;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(readConnection).toHaveBeenCalledTimes(1);
    });
    it('given a read that never answers (and ignores its signal), should give up on it and still end by the limit', async () => {
      const signals: AbortSignal[] = [];
      const readConnection = vi.fn((signal: AbortSignal) => {
        signals.push(signal);
        return new Promise<never>(() => {});
      });
      const result = verifyRepair({ from: BROKEN, readConnection, timeoutMs: 3_000, readTimeoutMs: 500, delaysMs: [1_000, 1_000] });
      await vi.advanceTimersByTimeAsync(1_600);
      expect(signals[0]?.aborted).toBe(true);
      await vi.advanceTimersByTimeAsync(5_000);
      await expect(result).resolves.toMatchObject({ outcome: 'timed-out' });
      expect(readConnection).toHaveBeenCalledTimes(2);
    });
  });
});
