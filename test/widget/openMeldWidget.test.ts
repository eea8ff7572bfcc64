import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WidgetError, openMeldWidget, type MeldWidgetHandle, type OpenMeldWidgetOptions } from '../../src/core/index.js';

// jsdom, like every host's Testing Library suite: <dialog> exists, but has no
// showModal() or close(). The kit must work there as it does in a browser.
const WIDGET_URL = 'https://connect.meld.io/?connectToken=t1';
const WIDGET_ORIGIN = 'https://connect.meld.io';

let handles: MeldWidgetHandle[] = [];
let trigger: HTMLButtonElement;

function open(options: Partial<OpenMeldWidgetOptions> = {}) {
  const handle = openMeldWidget({ widgetUrl: WIDGET_URL, ...options });
  handles.push(handle);
  return handle;
}

function spies() {
  return { onEvent: vi.fn(), onComplete: vi.fn(), onError: vi.fn(), onClose: vi.fn() };
}

/** Message listeners added minus removed on `window`, from the moment it is called. */
function messageListenerBalance() {
  let balance = 0;
  const add = window.addEventListener.bind(window);
  const remove = window.removeEventListener.bind(window);
  vi.spyOn(window, 'addEventListener').mockImplementation((type: string, ...rest: unknown[]) => {
    if (type === 'message') balance += 1;
    return (add as (...args: unknown[]) => void)(type, ...rest);
  });
  vi.spyOn(window, 'removeEventListener').mockImplementation((type: string, ...rest: unknown[]) => {
    if (type === 'message') balance -= 1;
    return (remove as (...args: unknown[]) => void)(type, ...rest);
  });
  return () => balance;
}

/** Gives jsdom's <dialog> a method for one test (restored in afterEach). */
function stubDialogMethod(name: 'showModal' | 'close', implementation: (this: HTMLDialogElement) => void) {
  Object.defineProperty(HTMLDialogElement.prototype, name, { configurable: true, writable: true, value: implementation });
}

function postFromWidget(data: unknown) {
  const frame = document.querySelector('iframe');
  window.dispatchEvent(new MessageEvent('message', { data, origin: WIDGET_ORIGIN, source: frame?.contentWindow ?? null }));
}

function expectNothingLeft() {
  expect(document.querySelector('dialog')).toBeNull();
  expect(document.body.style.getPropertyValue('overflow')).toBe('');
}

beforeEach(() => {
  trigger = document.createElement('button');
  trigger.textContent = 'Reconnect';
  document.body.append(trigger);
  trigger.focus();
});

afterEach(() => {
  for (const handle of handles) handle.close();
  handles = [];
  vi.restoreAllMocks();
  delete (HTMLDialogElement.prototype as Partial<HTMLDialogElement>).showModal;
  delete (HTMLDialogElement.prototype as Partial<HTMLDialogElement>).close;
  document.body.innerHTML = '';
  document.body.removeAttribute('style');
});

describe('openMeldWidget where <dialog> has no showModal/close (jsdom)', () => {
  it('given the widget opens, should show the dialog with the open attribute and lock page scroll', () => {
    expect(HTMLDialogElement.prototype.showModal).toBeUndefined();
    const handle = open();
    const dialog = document.querySelector('dialog');
    expect(dialog).toBe(handle.element);
    expect(dialog?.open).toBe(true);
    expect(document.body.style.getPropertyValue('overflow')).toBe('hidden');
    expect(document.activeElement).toBe(dialog?.querySelector('[data-slot="widget-close"]'));
  });

  it('given the host closes it, should not throw, remove the dialog, unlock scroll, return focus and call onClose once', () => {
    const callbacks = spies();
    const balance = messageListenerBalance();
    const handle = open(callbacks);
    expect(balance()).toBe(1);

    expect(() => handle.close()).not.toThrow();
    expect(() => handle.destroy()).not.toThrow();

    expectNothingLeft();
    expect(balance()).toBe(0);
    expect(document.activeElement).toBe(trigger);
    expect(handle.isOpen).toBe(false);
    expect(callbacks.onClose).toHaveBeenCalledTimes(1);
    expect(callbacks.onClose).toHaveBeenCalledWith('closed-by-host');
    expect(callbacks.onError).not.toHaveBeenCalled();
  });

  it('given the page had its own overflow, should put it back as it was', () => {
    document.body.style.setProperty('overflow', 'scroll', 'important');
    open().close();
    expect(document.body.style.getPropertyValue('overflow')).toBe('scroll');
    expect(document.body.style.getPropertyPriority('overflow')).toBe('important');
  });

  it('given the customer presses the close button, should close with closed-by-customer, once', () => {
    const callbacks = spies();
    open(callbacks);
    document.querySelector<HTMLButtonElement>('[data-slot="widget-close"]')?.click();
    expectNothingLeft();
    expect(callbacks.onClose).toHaveBeenCalledTimes(1);
    expect(callbacks.onClose).toHaveBeenCalledWith('closed-by-customer');
  });

  it('given the customer presses Escape, should close with closed-by-customer, once', () => {
    const callbacks = spies();
    const handle = open(callbacks);
    handle.element?.dispatchEvent(new Event('cancel', { cancelable: true }));
    expectNothingLeft();
    expect(callbacks.onClose).toHaveBeenCalledTimes(1);
    expect(callbacks.onClose).toHaveBeenCalledWith('closed-by-customer');
  });

  it('given the widget completes, should report it and close with completed, once', () => {
    const callbacks = spies();
    open(callbacks);
    postFromWidget({ domain: 'meld-connect', eventName: 'connect_complete', metadata: { institutionName: 'Chase' } });
    expectNothingLeft();
    expect(callbacks.onComplete).toHaveBeenCalledWith(expect.objectContaining({ institutionName: 'Chase' }));
    expect(callbacks.onClose).toHaveBeenCalledTimes(1);
    expect(callbacks.onClose).toHaveBeenCalledWith('completed');
  });

  it("given Meld's widget reports an error, should report a widget-error with Meld's metadata, then close with error, once", () => {
    const callbacks = spies();
    open(callbacks);
    postFromWidget({ domain: 'meld-connect', eventName: 'error', metadata: { reason: 'INSTITUTION_ERROR', details: 'try later' } });
    expectNothingLeft();
    expect(callbacks.onError).toHaveBeenCalledTimes(1);
    const error = callbacks.onError.mock.calls[0]?.[0] as WidgetError;
    expect(error).toBeInstanceOf(WidgetError);
    expect(error).toMatchObject({ kind: 'widget-error', reason: 'INSTITUTION_ERROR', details: 'try later' });
    expect(callbacks.onClose).toHaveBeenCalledTimes(1);
    expect(callbacks.onClose).toHaveBeenCalledWith('error');
  });

  it('given a second widget opens, should close the first with replaced and leave one dialog', () => {
    const first = spies();
    open(first);
    open();
    expect(document.querySelectorAll('dialog')).toHaveLength(1);
    expect(first.onClose).toHaveBeenCalledTimes(1);
    expect(first.onClose).toHaveBeenCalledWith('replaced');
    expect(document.body.style.getPropertyValue('overflow')).toBe('hidden');
  });
});

describe('openMeldWidget where the dialog methods misbehave', () => {
  it('given showModal throws (InvalidStateError), should throw a launch-failed WidgetError and leave no scroll lock, no dialog and no listener', () => {
    stubDialogMethod('showModal', () => {
      throw new DOMException('The element is not in a Document.', 'InvalidStateError');
    });
    const callbacks = spies();
    const balance = messageListenerBalance();

    let thrown: unknown;
    try {
      open(callbacks);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(WidgetError);
    expect(thrown).toMatchObject({ kind: 'launch-failed' });
    expect((thrown as WidgetError).cause).toBeInstanceOf(DOMException);
    expect(((thrown as WidgetError).cause as DOMException).name).toBe('InvalidStateError');
    expectNothingLeft();
    expect(balance()).toBe(0);
    expect(document.activeElement).toBe(trigger);
    // It never opened: no `opened` event and no close to report.
    expect(callbacks.onEvent).not.toHaveBeenCalled();
    expect(callbacks.onClose).not.toHaveBeenCalled();
  });

  it('given showModal threw once, should still open the next widget normally', () => {
    stubDialogMethod('showModal', () => {
      throw new DOMException('nope', 'InvalidStateError');
    });
    expect(() => open()).toThrow();
    delete (HTMLDialogElement.prototype as Partial<HTMLDialogElement>).showModal;
    const callbacks = spies();
    const handle = open(callbacks);
    expect(handle.isOpen).toBe(true);
    handle.close();
    expectNothingLeft();
    expect(callbacks.onClose).toHaveBeenCalledTimes(1);
  });

  it('given close() throws, should still remove the dialog, unlock scroll and call onClose once', () => {
    stubDialogMethod('showModal', function (this: HTMLDialogElement) {
      this.setAttribute('open', '');
    });
    stubDialogMethod('close', () => {
      throw new Error('close failed');
    });
    const callbacks = spies();
    const balance = messageListenerBalance();
    const handle = open(callbacks);

    expect(() => handle.close()).not.toThrow();

    expectNothingLeft();
    expect(balance()).toBe(0);
    expect(callbacks.onClose).toHaveBeenCalledTimes(1);
    expect(callbacks.onClose).toHaveBeenCalledWith('closed-by-host');
  });
});
