import { describe, expect, it } from 'vitest';
import { parseWidgetMessage } from '../../src/core/index.js';

describe('parseWidgetMessage', () => {
  it.each([
    ['an object', { domain: 'meld-connect', eventName: 'init' }],
    ['a JSON string', JSON.stringify({ domain: 'meld-connect', eventName: 'init' })],
  ])('given %s, should read it', (_label, data) => {
    expect(parseWidgetMessage(data)).toEqual({ eventName: 'init', metadata: {} });
  });

  it('given connect_complete with nested metadata, should return it', () => {
    const message = parseWidgetMessage({
      domain: 'meld-connect',
      eventName: 'connect_complete',
      metadata: { institutionId: 'i1', institutionName: 'First Bank', accountCount: 2, accounts: [{ id: 'a1' }] },
    });
    expect(message).toEqual({
      eventName: 'connect_complete',
      metadata: { institutionId: 'i1', institutionName: 'First Bank', accountCount: 2, accounts: [{ id: 'a1' }] },
    });
    expect(Object.isFrozen(message?.metadata)).toBe(true);
  });

  it('given error metadata at the top level, should gather it', () => {
    expect(
      parseWidgetMessage({ domain: 'meld-connect', eventName: 'error', reason: 'INVALID_CREDENTIALS', details: 'Wrong password' }),
    ).toEqual({ eventName: 'error', metadata: { reason: 'INVALID_CREDENTIALS', details: 'Wrong password' } });
  });

  it('given typed fields of the wrong type, should drop them', () => {
    const message = parseWidgetMessage({
      domain: 'meld-connect',
      eventName: 'connect_complete',
      metadata: { institutionName: { html: '<b>x</b>' }, accountCount: -1, accounts: 'all', extra: 'kept' },
    });
    expect(message?.metadata).toEqual({ extra: 'kept' });
  });

  it('given __proto__ in a JSON string, should not pollute any prototype', () => {
    const message = parseWidgetMessage('{"domain":"meld-connect","eventName":"debug","__proto__":{"polluted":true},"constructor":{"x":1}}');
    expect(message).toEqual({ eventName: 'debug', metadata: {} });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a provider event', { source: 'mx', type: 'mx/connect/loaded' }],
    ['another domain', { domain: 'plaid-link', eventName: 'connect_complete' }],
    ['a look-alike domain', { domain: 'Meld-Connect', eventName: 'connect_complete' }],
    ['an unknown event name', { domain: 'meld-connect', eventName: 'exit' }],
    ['an event name that is not a string', { domain: 'meld-connect', eventName: ['connect_complete'] }],
    ['null', null],
    ['a number', 7],
    ['an array', [{ domain: 'meld-connect', eventName: 'init' }]],
    ['broken JSON', '{"domain":"meld-connect",'],
    ['a plain string', 'connect_complete'],
    ['a huge string', `{"domain":"meld-connect","eventName":"init","x":"${'a'.repeat(200_000)}"}`],
  ])('given %s, should return null', (_label, data) => {
    expect(parseWidgetMessage(data)).toBeNull();
  });
});
