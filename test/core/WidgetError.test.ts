import { describe, expect, it } from 'vitest';
import { WidgetError } from '../../src/core/index.js';

describe('WidgetError', () => {
  it("given Meld's metadata, should keep reason and details and name them in the message", () => {
    const error = new WidgetError({ reason: 'INSTITUTION_ERROR', details: 'try later' });
    expect(error).toMatchObject({ name: 'WidgetError', kind: 'widget-error', reason: 'INSTITUTION_ERROR', details: 'try later' });
    expect(error.message).toContain('INSTITUTION_ERROR');
  });

  it('given a launch failure, should keep the original error as cause', () => {
    const cause = new DOMException('refused', 'InvalidStateError');
    const error = new WidgetError('launch-failed', cause);
    expect(error).toMatchObject({ name: 'WidgetError', kind: 'launch-failed', reason: undefined, details: undefined });
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('refused');
  });

  it("given Meld's metadata carries a kind field, should still be a widget-error", () => {
    expect(new WidgetError({ kind: 'launch-failed', reason: 'X' }).kind).toBe('widget-error');
  });
});
