import { render } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeldWidgetDialog, ReconnectKitProvider, WidgetError, WidgetUrlError, type WidgetSettings } from '../../src/index.js';
import { BASE } from '../helpers/hostServer.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

// jsdom, as in a host's own Testing Library suite: <dialog> has no showModal() or close().
const WIDGET_URL = 'https://connect.meld.io/?connectToken=t1';

afterEach(() => {
  delete (HTMLDialogElement.prototype as Partial<HTMLDialogElement>).showModal;
  document.body.removeAttribute('style');
});

function withWidgetSettings(widget: WidgetSettings) {
  const queryClient = newQueryClient();
  return ({ children }: { children: ReactNode }) => (
    <ReconnectKitProvider baseUrl={BASE} queryClient={queryClient} broadcastChannel={false} widget={widget}>
      {children}
    </ReconnectKitProvider>
  );
}

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

describe('MeldWidgetDialog error paths', () => {
  it('given a URL the kit refuses, should report a WidgetUrlError with its kind and open nothing', () => {
    const onError = vi.fn();
    const onOpenChange = vi.fn();
    render(<MeldWidgetDialog widgetUrl="https://meld.io.evil.com/" onError={onError} onOpenChange={onOpenChange} />);

    expect(onError).toHaveBeenCalledTimes(1);
    const error = onError.mock.calls[0]?.[0] as WidgetUrlError;
    expect(error).toBeInstanceOf(WidgetUrlError);
    expect(error.kind).toBe('host');
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.body.style.overflow).toBe('');
  });

  it('given the browser refuses to show the dialog, should report a WidgetError of kind launch-failed, not a WidgetUrlError', () => {
    const refused = new DOMException('The element is not in a Document.', 'InvalidStateError');
    Object.defineProperty(HTMLDialogElement.prototype, 'showModal', {
      configurable: true,
      writable: true,
      value: () => {
        throw refused;
      },
    });
    const onError = vi.fn();
    const onOpenChange = vi.fn();
    const onClose = vi.fn();
    render(<MeldWidgetDialog widgetUrl={WIDGET_URL} onError={onError} onOpenChange={onOpenChange} onClose={onClose} />);

    expect(onError).toHaveBeenCalledTimes(1);
    const error = onError.mock.calls[0]?.[0] as WidgetError;
    expect(error).toBeInstanceOf(WidgetError);
    expect(error).not.toBeInstanceOf(WidgetUrlError);
    expect(error.kind).toBe('launch-failed');
    expect(error.cause).toBe(refused);
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(onClose).not.toHaveBeenCalled();
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.body.style.overflow).toBe('');
  });

  it('given any other launch failure (a provider set to redirect mode), should report it as launch-failed with the original cause', () => {
    const onError = vi.fn();
    render(<MeldWidgetDialog widgetUrl={WIDGET_URL} onError={onError} />, { wrapper: withWidgetSettings({ mode: 'redirect' }) });

    expect(onError).toHaveBeenCalledTimes(1);
    const error = onError.mock.calls[0]?.[0] as WidgetError;
    expect(error).toBeInstanceOf(WidgetError);
    expect(error.kind).toBe('launch-failed');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(document.querySelector('dialog')).toBeNull();
  });
});
