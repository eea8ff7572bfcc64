// The kit's end of the widget relay (src/core/popupRelay.ts), in jsdom over
// real BroadcastChannels: the test plays the relay page (and the forgers), and
// moves the clock with fake timers (setInterval and Date only: the channels and
// the waits for their delivery run for real).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  RELAY_CLOSED_GRACE_MS,
  RELAY_HELLO_MS,
  RELAY_SILENCE_MS,
  linkRelay,
  readRelayMessage,
  type LinkRelayOptions,
} from '../../src/core/popupRelay.js';
import { RELAY_CHANNEL_PREFIX, RELAY_PROTOCOL, type PreparedPopup } from '../../src/core/preparePopup.js';

const SECRET = 'a'.repeat(64);
const WIDGET = { widgetUrl: 'https://institution-connect-sb.meld.io/?connectToken=t1', origins: ['https://institution-connect-sb.meld.io'], title: 'Reconnect First Bank', lang: 'es' };
const open: BroadcastChannel[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
  for (const channel of open.splice(0)) channel.close();
});

function channel(name = RELAY_CHANNEL_PREFIX + SECRET): BroadcastChannel {
  const created = new BroadcastChannel(name);
  open.push(created);
  return created;
}

/** Lets BroadcastChannel deliver what was posted (positive checks also wait with vi.waitFor). */
const delivered = () => new Promise((resolve) => setTimeout(resolve, 60));

function relayMessage(type: string, extra: Record<string, unknown> = {}) {
  return { v: RELAY_PROTOCOL, from: 'relay', nonce: SECRET, type, ...extra };
}

function setup(overrides: Partial<LinkRelayOptions> = {}) {
  const windowState = { closed: false };
  const popup: PreparedPopup = {
    relayUrl: 'https://host.example/api/meld/widget-relay',
    secret: SECRET,
    window: windowState as unknown as Window,
    close: vi.fn(),
  };
  const relay = channel();
  const heardByRelay: unknown[] = [];
  relay.onmessage = (event) => heardByRelay.push(event.data);
  const calls = { onData: vi.fn(), onClosed: vi.fn(), onFailed: vi.fn() };
  const unlink = linkRelay({ popup, widget: WIDGET, ...calls, ...overrides });
  /** Moves the clock, running the link's periodic checks on the way. */
  const advance = (ms: number) => vi.advanceTimersByTime(ms);
  return { popup, relay, heardByRelay, calls, unlink, advance, windowState };
}

describe('readRelayMessage', () => {
  it.each([
    ['alive', relayMessage('alive', { hidden: true, opened: false })],
    ['message', relayMessage('message', { data: { domain: 'meld-connect', eventName: 'init' } })],
    ['closed', relayMessage('closed')],
  ])('given a relay %s message with the secret, should read it', (_name, data) => {
    expect(readRelayMessage(data, SECRET)).toEqual(data);
  });

  it.each([
    ['no nonce', { v: RELAY_PROTOCOL, from: 'relay', type: 'closed' }],
    ['another nonce', relayMessage('closed', { nonce: 'b'.repeat(64) })],
    ['a nonce that is a prefix of the secret', relayMessage('closed', { nonce: SECRET.slice(0, 63) })],
    ['a non-string nonce', relayMessage('closed', { nonce: { toString: () => SECRET } })],
    ["the kit's own side", { ...relayMessage('closed'), from: 'kit' }],
    ['another protocol version', { ...relayMessage('closed'), v: 'mrk-relay/0' }],
    ['an unknown type', relayMessage('navigate', { url: 'https://evil.example/' })],
    ['a string', JSON.stringify(relayMessage('closed'))],
    ['null', null],
    ['an array', [relayMessage('closed')]],
  ])('given %s, should refuse it', (_name, data) => {
    expect(readRelayMessage(data, SECRET)).toBeNull();
  });

  it('given an empty secret, should refuse even a matching empty nonce', () => {
    expect(readRelayMessage(relayMessage('closed', { nonce: '' }), '')).toBeNull();
  });
});

describe('linkRelay', () => {
  it('should send the widget at once, and again each time the relay says it has none yet (it was still loading), with the secret', async () => {
    const { relay, heardByRelay } = setup();
    const open = { v: RELAY_PROTOCOL, from: 'kit', nonce: SECRET, type: 'open', ...WIDGET };
    await vi.waitFor(() => expect(heardByRelay).toEqual([open]));
    relay.postMessage(relayMessage('alive', { hidden: false, opened: false }));
    await vi.waitFor(() => expect(heardByRelay).toEqual([open, open]));
    relay.postMessage(relayMessage('alive', { hidden: false, opened: true }));
    await delivered();
    expect(heardByRelay).toHaveLength(2);
  });

  it("given the widget's messages through the relay, should hand their data on; forgeries without the secret, never", async () => {
    const { relay, calls } = setup();
    const forger = channel();
    const stranger = channel(`${RELAY_CHANNEL_PREFIX}${'b'.repeat(64)}`);
    const forged = { domain: 'meld-connect', eventName: 'connect_complete', institutionName: 'Forged' };
    forger.postMessage({ v: RELAY_PROTOCOL, from: 'relay', type: 'message', data: forged });
    forger.postMessage(relayMessage('message', { nonce: 'b'.repeat(64), data: forged }));
    stranger.postMessage(relayMessage('message', { nonce: 'b'.repeat(64), data: forged }));
    forger.postMessage(relayMessage('closed', { nonce: '' }));
    relay.postMessage(relayMessage('message', { data: { domain: 'meld-connect', eventName: 'init' } }));
    await vi.waitFor(() => expect(calls.onData).toHaveBeenCalled());
    await delivered();
    expect(calls.onData.mock.calls).toEqual([[{ domain: 'meld-connect', eventName: 'init' }]]);
    expect(calls.onClosed).not.toHaveBeenCalled();
  });

  it("given the relay's closed, should report it once, close the window and hear nothing more", async () => {
    const { relay, calls, popup, advance } = setup();
    relay.postMessage(relayMessage('closed'));
    await vi.waitFor(() => expect(calls.onClosed).toHaveBeenCalled());
    relay.postMessage(relayMessage('message', { data: { domain: 'meld-connect', eventName: 'init' } }));
    relay.postMessage(relayMessage('closed'));
    await delivered();
    advance(RELAY_HELLO_MS * 2);
    expect(calls.onClosed).toHaveBeenCalledTimes(1);
    expect(calls.onData).not.toHaveBeenCalled();
    expect(calls.onFailed).not.toHaveBeenCalled();
    expect(popup.close).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a visible relay that falls silent, should end as closed after RELAY_SILENCE_MS', async () => {
    const { relay, calls, advance } = setup();
    relay.postMessage(relayMessage('alive', { hidden: false, opened: true }));
    await delivered();
    advance(RELAY_SILENCE_MS - 500);
    expect(calls.onClosed).not.toHaveBeenCalled();
    advance(500);
    expect(calls.onClosed).toHaveBeenCalledTimes(1);
  });

  it('given a hidden relay (its timers throttled), should wait for it however long it is quiet, until it is visible and silent again', async () => {
    const { relay, calls, advance } = setup();
    relay.postMessage(relayMessage('alive', { hidden: true, opened: true }));
    await delivered();
    advance(10 * 60_000);
    expect(calls.onClosed).not.toHaveBeenCalled();
    relay.postMessage(relayMessage('alive', { hidden: false, opened: true }));
    await delivered();
    advance(RELAY_SILENCE_MS);
    expect(calls.onClosed).toHaveBeenCalledTimes(1);
  });

  it('given no word from the relay page (not served, blocked by the network), should fail after RELAY_HELLO_MS and close the window', () => {
    const { calls, advance, popup } = setup();
    advance(RELAY_HELLO_MS - 1);
    expect(calls.onFailed).not.toHaveBeenCalled();
    advance(1);
    expect(calls.onFailed).toHaveBeenCalledTimes(1);
    expect(calls.onFailed.mock.calls[0]?.[0].message).toContain('https://host.example/api/meld/widget-relay');
    expect(popup.close).toHaveBeenCalledTimes(1);
    expect(calls.onClosed).not.toHaveBeenCalled();
  });

  it('given a window that reads closed before the relay spoke, should wait RELAY_CLOSED_GRACE_MS (the relay isolates itself) and then end as closed', () => {
    const { calls, advance, windowState } = setup();
    windowState.closed = true;
    advance(500);
    advance(RELAY_CLOSED_GRACE_MS - 1);
    expect(calls.onClosed).not.toHaveBeenCalled();
    advance(1);
    expect(calls.onClosed).toHaveBeenCalledTimes(1);
    expect(calls.onFailed).not.toHaveBeenCalled();
  });

  it('given a window that reads closed and then a relay that speaks within the grace, should stay open', async () => {
    const { relay, calls, advance, windowState } = setup();
    windowState.closed = true;
    advance(500);
    relay.postMessage(relayMessage('alive', { hidden: false, opened: false }));
    await delivered();
    advance(RELAY_CLOSED_GRACE_MS);
    advance(1_000);
    expect(calls.onClosed).not.toHaveBeenCalled();
  });

  it('given the teardown, should close the window once and report nothing after', async () => {
    const { relay, calls, unlink, popup } = setup();
    unlink();
    unlink();
    relay.postMessage(relayMessage('message', { data: { domain: 'meld-connect', eventName: 'init' } }));
    relay.postMessage(relayMessage('closed'));
    await delivered();
    expect(popup.close).toHaveBeenCalledTimes(1);
    expect(calls.onData).not.toHaveBeenCalled();
    expect(calls.onClosed).not.toHaveBeenCalled();
  });
});
