import { afterEach, describe, expect, it, vi } from 'vitest';
import { STATUS_TABLE, getStatusDecision } from '../../src/core/index.js';

afterEach(() => vi.restoreAllMocks());

describe('core in Chromium', () => {
  it('given a Vite development page, should warn once about an unknown status', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(getStatusDecision('BROWSER_ONLY_STATUS').known).toBe(false);
    getStatusDecision('BROWSER_ONLY_STATUS');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('BROWSER_ONLY_STATUS');
  });

  it('should send table rows and decisions between tabs intact (BroadcastChannel)', async () => {
    const name = `mrk-test-${Math.random()}`;
    const sender = new BroadcastChannel(name);
    const receiver = new BroadcastChannel(name);
    const received = new Promise<unknown>((resolve) => {
      receiver.onmessage = (event) => resolve(event.data);
    });
    const payload = { row: STATUS_TABLE[11], decision: getStatusDecision('RECONNECT_REQUIRED', 'LOGIN_REQUIRED') };
    sender.postMessage(payload);
    await expect(received).resolves.toEqual(payload);
    sender.close();
    receiver.close();
  });
});
