import { render } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeldWidgetDialog } from '../../src/index.js';

// jsdom, as in a host's own Testing Library suite: <dialog> has no showModal() or close().
const WIDGET_URL = 'https://connect.meld.io/?connectToken=t1';

afterEach(() => {
  document.body.removeAttribute('style');
});

describe('MeldWidgetDialog in jsdom', () => {
  it('given it is open, when the host unmounts it, should not throw and leave no dialog or scroll lock', () => {
    const onClose = vi.fn();
    const onOpenChange = vi.fn();
    const view = render(
      <StrictMode>
        <MeldWidgetDialog widgetUrl={WIDGET_URL} onClose={onClose} onOpenChange={onOpenChange} />
      </StrictMode>,
    );
    expect(document.querySelectorAll('dialog[open]')).toHaveLength(1);
    expect(document.body.style.overflow).toBe('hidden');
    onClose.mockClear(); // StrictMode's extra effect run closes and reopens once

    expect(() => view.unmount()).not.toThrow();

    expect(document.querySelector('dialog')).toBeNull();
    expect(document.body.style.overflow).toBe('');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledWith('closed-by-host');
    expect(onOpenChange).not.toHaveBeenCalled();
  });

  it('given it is open, when open turns false, should close it once and leave nothing behind', () => {
    const onClose = vi.fn();
    const view = render(<MeldWidgetDialog widgetUrl={WIDGET_URL} open onClose={onClose} />);
    expect(() => view.rerender(<MeldWidgetDialog widgetUrl={WIDGET_URL} open={false} onClose={onClose} />)).not.toThrow();
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.body.style.overflow).toBe('');
    expect(onClose).toHaveBeenCalledTimes(1);
    view.unmount();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('given the customer closes it, should call onOpenChange(false) and onClose once', () => {
    const onClose = vi.fn();
    const onOpenChange = vi.fn();
    const view = render(<MeldWidgetDialog widgetUrl={WIDGET_URL} onClose={onClose} onOpenChange={onOpenChange} />);
    document.querySelector<HTMLButtonElement>('[data-slot="widget-close"]')?.click();
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.body.style.overflow).toBe('');
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledWith('closed-by-customer');
    view.unmount();
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
