import { describe, expect, it } from 'vitest';
import { HostApiError, WidgetError, WidgetUrlError, classifyFlowError, validateWidgetUrl } from '../../src/core/index.js';

function refusal(url: string): unknown {
  try {
    validateWidgetUrl(url);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('classifyFlowError for widget errors', () => {
  it("given Meld's widget reported an error, should say widget-error", () => {
    const error = new WidgetError({ reason: 'INSTITUTION_ERROR', details: 'try later' });
    expect(error.kind).toBe('widget-error');
    expect(classifyFlowError(error)).toBe('widget-error');
  });

  it('given the widget could not be shown, should say unavailable (try again), not widget-error', () => {
    const error = new WidgetError('launch-failed', new DOMException('refused', 'InvalidStateError'));
    expect(error.kind).toBe('launch-failed');
    expect(classifyFlowError(error)).toBe('unavailable');
  });

  it('given a refused widget URL, should say unsafe-widget-url', () => {
    const error = refusal('https://meld.io.evil.com/');
    expect(error).toBeInstanceOf(WidgetUrlError);
    expect(classifyFlowError(error)).toBe('unsafe-widget-url');
  });

  it('given some other error that calls itself WidgetError, should not trust the name', () => {
    const impostor = Object.assign(new Error('not ours'), { name: 'WidgetError', kind: 'widget-error' });
    expect(classifyFlowError(impostor)).toBe('unavailable');
  });

  it('given a host error, should still read its kind', () => {
    expect(classifyFlowError(new HostApiError({ kind: 'not-found', message: 'gone', status: 404 }))).toBe('not-found');
  });
});
