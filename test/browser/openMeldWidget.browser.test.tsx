import { render, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import {
  MeldWidgetDialog,
  WidgetError,
  WidgetUrlError,
  openMeldWidget,
  preparePopup,
  type MeldWidgetHandle,
  type OpenMeldWidgetOptions,
  type PreparedPopup,
} from '../../src/index.js';
import { HOST, HOST_PORT, RELAY_URL, resetHost, widgetUrl } from './fakeHost.js';

const allowed = { allowedHosts: [HOST_PORT] };
let handles: MeldWidgetHandle[] = [];
let trigger: HTMLButtonElement;

function open(options: Partial<OpenMeldWidgetOptions> & { widgetUrl: string }) {
  const handle = openMeldWidget({ ...allowed, ...options });
  handles.push(handle);
  return handle;
}

function spies() {
  return {
    onEvent: vi.fn(),
    onComplete: vi.fn(),
    onError: vi.fn(),
    onClose: vi.fn(),
  };
}

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

beforeEach(async () => {
  await resetHost([{ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }]);
  trigger = document.createElement('button');
  trigger.textContent = 'Reconnect';
  document.body.append(trigger);
  trigger.focus();
});

afterEach(async () => {
  for (const handle of handles) handle.close();
  handles = [];
  vi.restoreAllMocks();
  document.body.innerHTML = '';
  document.body.removeAttribute('style');
  await page.viewport(1280, 800);
});

describe('openMeldWidget in dialog mode (Chromium, widget on another origin)', () => {
  it('should open a labelled modal iframe, take focus, lock scroll, and complete on connect_complete', async () => {
    const calls = spies();
    document.body.style.overflow = 'scroll';
    const handle = open({ widgetUrl: widgetUrl({ auto: 'complete' }), title: 'Reconnect First Test Bank', ...calls });

    const dialog = document.querySelector('dialog');
    expect(dialog?.open).toBe(true);
    expect(dialog?.matches(':modal')).toBe(true);
    expect(dialog?.getAttribute('aria-label')).toBe('Reconnect First Test Bank');
    const frame = dialog?.querySelector('iframe');
    expect(frame?.title).toBe('Reconnect First Test Bank');
    expect(frame?.getAttribute('sandbox')?.split(' ')).toEqual(
      expect.arrayContaining(['allow-scripts', 'allow-same-origin', 'allow-forms', 'allow-popups', 'allow-popups-to-escape-sandbox']),
    );
    expect(frame?.getAttribute('sandbox')).not.toContain('allow-top-navigation');
    expect(document.activeElement).toBe(dialog?.querySelector('button[aria-label="Close"]'));
    expect(document.body.style.overflow).toBe('hidden');

    await waitFor(() => expect(calls.onClose).toHaveBeenCalledWith('completed'));
    expect(calls.onComplete).toHaveBeenCalledWith({ institutionId: 'inst_1', institutionName: 'First Test Bank', accountCount: 2, accounts: [] });
    expect(calls.onEvent.mock.calls.map(([event]) => event.eventName)).toEqual(['opened', 'init', 'connect_complete']);
    expect(calls.onClose).toHaveBeenCalledTimes(1);
    expect(handle.isOpen).toBe(false);
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(trigger);
    expect(document.body.style.overflow).toBe('scroll');
  });

  it('given a JSON-string message with nested metadata, should read it the same way', async () => {
    const calls = spies();
    open({ widgetUrl: widgetUrl({ auto: 'complete', shape: 'string', nested: '1' }), ...calls });
    await waitFor(() => expect(calls.onComplete).toHaveBeenCalledWith(expect.objectContaining({ institutionName: 'First Test Bank' })));
  });

  it('given Escape, should close as the customer\'s choice and return focus', async () => {
    const calls = spies();
    open({ widgetUrl: widgetUrl(), ...calls });
    await userEvent.keyboard('{Escape}');
    expect(calls.onClose).toHaveBeenCalledWith('closed-by-customer');
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(trigger);
  });

  it('given a click on the labelled close button, should close as the customer\'s choice', async () => {
    const calls = spies();
    open({ widgetUrl: widgetUrl(), ...calls, closeLabel: 'Close the bank window' });
    await userEvent.click(page.getByRole('button', { name: 'Close the bank window' }));
    expect(calls.onClose).toHaveBeenCalledWith('closed-by-customer');
  });

  it('given forged messages from this page and from another window on the widget\'s origin, should ignore them', async () => {
    const calls = spies();
    const handle = open({ widgetUrl: widgetUrl(), ...calls });
    window.postMessage({ domain: 'meld-connect', eventName: 'connect_complete', institutionName: 'Forged' }, '*');
    const impostor = document.createElement('iframe');
    impostor.src = widgetUrl({ auto: 'complete' });
    document.body.append(impostor);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(calls.onComplete).not.toHaveBeenCalled();
    expect(handle.isOpen).toBe(true);
    impostor.remove();
  });

  it('given an error from the widget, should report a WidgetError and close with error', async () => {
    const calls = spies();
    open({ widgetUrl: widgetUrl({ auto: 'error' }), ...calls });
    await waitFor(() => expect(calls.onClose).toHaveBeenCalledWith('error'));
    const error = calls.onError.mock.calls[0]?.[0];
    expect(error).toBeInstanceOf(WidgetError);
    expect(error).toMatchObject({ reason: 'INVALID_CREDENTIALS', details: 'Wrong password' });
  });

  it('given a second widget, should replace the first and keep one on the page', async () => {
    const first = spies();
    open({ widgetUrl: widgetUrl(), ...first });
    open({ widgetUrl: widgetUrl() });
    expect(first.onClose).toHaveBeenCalledWith('replaced');
    expect(document.querySelectorAll('dialog')).toHaveLength(1);
  });

  it('should make close() and destroy() safe to call twice', async () => {
    const calls = spies();
    const handle = open({ widgetUrl: widgetUrl(), ...calls });
    handle.close();
    handle.destroy();
    handle.close();
    expect(calls.onClose).toHaveBeenCalledTimes(1);
    expect(calls.onClose).toHaveBeenCalledWith('closed-by-host');
  });

  it('given an unsafe widget URL, should throw before anything opens', () => {
    const balance = messageListenerBalance();
    expect(() => openMeldWidget({ widgetUrl: 'javascript:alert(1)' })).toThrow(WidgetUrlError);
    expect(() => openMeldWidget({ widgetUrl: `${HOST}/widget` })).toThrow(/plain http/);
    expect(document.querySelector('dialog')).toBeNull();
    expect(balance()).toBe(0);
  });

  it('should be 360 x 640 on desktop and fill the screen under 480 px', async () => {
    open({ widgetUrl: widgetUrl() });
    const frame = document.querySelector('iframe') as HTMLIFrameElement;
    expect(Math.round(frame.getBoundingClientRect().width)).toBe(360);
    expect(Math.round(frame.getBoundingClientRect().height)).toBe(640);

    await page.viewport(400, 700);
    await waitFor(() => {
      const box = (document.querySelector('dialog') as HTMLDialogElement).getBoundingClientRect();
      expect(Math.round(box.width)).toBe(window.innerWidth);
      expect(Math.round(box.height)).toBe(window.innerHeight);
    });
  });
});

describe('openMeldWidget in popup mode (Chromium, the relay page on this origin)', () => {
  async function prepareInClick(): Promise<PreparedPopup> {
    let popup: PreparedPopup | null = null;
    trigger.addEventListener('click', () => {
      popup = preparePopup({ relayUrl: RELAY_URL });
    });
    await userEvent.click(trigger);
    expect(popup).not.toBeNull();
    return popup!;
  }

  it('given a window opened in the click, should show the widget in the relay, complete from its messages, and close it', async () => {
    const calls = spies();
    const balance = messageListenerBalance();
    const popup = await prepareInClick();
    const handle = open({ widgetUrl: widgetUrl({ auto: 'complete', delay: '300' }), mode: 'popup', popup, ...calls });
    expect(handle.mode).toBe('popup');
    expect(document.querySelector('dialog')).toBeNull();
    // Popup mode hears the relay over its channel, never this window's message event.
    expect(balance()).toBe(0);
    await waitFor(() => expect(calls.onClose).toHaveBeenCalledWith('completed'), { timeout: 5_000 });
    expect(calls.onComplete).toHaveBeenCalledWith({ institutionId: 'inst_1', institutionName: 'First Test Bank', accountCount: 2, accounts: [] });
    expect(calls.onEvent.mock.calls.map(([event]) => event.eventName)).toEqual(['opened', 'init', 'connect_complete']);
    // The relay's Cross-Origin-Opener-Policy took the window out of this tab's reach: the handle reads it as closed.
    expect(popup.window.closed).toBe(true);
    await waitFor(async () => expect(await commands.countRelayWindows()).toBe(0), { timeout: 5_000 });
  });

  it("given the bank's login in a popup of the widget's, should keep its way back to the widget, and nothing beyond the relay", async () => {
    const calls = spies();
    const popup = await prepareInClick();
    open({ widgetUrl: widgetUrl({ oauth: '1' }), mode: 'popup', popup, ...calls });
    await waitFor(() => expect(calls.onClose).toHaveBeenCalledWith('completed'), { timeout: 8_000 });
    // The OAuth page reached the widget through its opener; the relay, above the widget, has no opener.
    expect(calls.onComplete).toHaveBeenCalledWith(expect.objectContaining({ institutionName: 'First Test Bank', oauthOpenerTopOpener: 'null' }));
  });

  it('given the customer closes the popup, should end the flow as closed', async () => {
    const calls = spies();
    const popup = await prepareInClick();
    open({ widgetUrl: widgetUrl(), mode: 'popup', popup, ...calls });
    await waitFor(() => expect(calls.onEvent).toHaveBeenCalledWith({ eventName: 'init', metadata: {} }), { timeout: 5_000 });
    expect(await commands.closeRelayWindows()).toBe(1);
    await waitFor(() => expect(calls.onClose).toHaveBeenCalledWith('closed-by-customer'), { timeout: 8_000 });
    expect(calls.onClose).toHaveBeenCalledTimes(1);
  });

  it('given the host closes the widget, should close the relay window', async () => {
    const calls = spies();
    const popup = await prepareInClick();
    const handle = open({ widgetUrl: widgetUrl(), mode: 'popup', popup, ...calls });
    await waitFor(() => expect(calls.onEvent).toHaveBeenCalledWith({ eventName: 'init', metadata: {} }), { timeout: 5_000 });
    handle.close();
    expect(calls.onClose).toHaveBeenCalledWith('closed-by-host');
    await waitFor(async () => expect(await commands.countRelayWindows()).toBe(0), { timeout: 5_000 });
  });

  it('given a blocked popup, should fall back to the dialog and say so', async () => {
    const calls = spies();
    const handle = open({ widgetUrl: widgetUrl(), mode: 'popup', popup: null, ...calls });
    expect(handle.mode).toBe('dialog');
    expect(calls.onEvent).toHaveBeenCalledWith({ eventName: 'popup_blocked' });
    expect(document.querySelector('dialog iframe')).not.toBeNull();
  });

  it('given a relay URL on another origin (BroadcastChannel cannot reach it), should open nothing there and use the dialog', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const opened = vi.spyOn(window, 'open');
    expect(preparePopup({ relayUrl: `${HOST}/api/widget-relay` })).toBeNull();
    expect(opened).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('popup mode needs widget.relayUrl on this origin'));
  });
});

describe('MeldWidgetDialog (React)', () => {
  it('given StrictMode, should leave exactly one iframe and one listener, and nothing after unmount', async () => {
    const balance = messageListenerBalance();
    const onOpenChange = vi.fn();
    const view = render(
      <StrictMode>
        <MeldWidgetDialog widgetUrl={widgetUrl()} allowedHosts={[HOST_PORT]} onOpenChange={onOpenChange} />
      </StrictMode>,
    );
    await waitFor(() => expect(document.querySelectorAll('iframe')).toHaveLength(1));
    expect(balance()).toBe(1);
    expect(onOpenChange).not.toHaveBeenCalled();
    view.unmount();
    expect(document.querySelectorAll('dialog')).toHaveLength(0);
    expect(balance()).toBe(0);
    expect(document.body.style.overflow).toBe('');
  });

  it('given open goes false, should close; given the customer closes, should call onOpenChange(false)', async () => {
    const onOpenChange = vi.fn();
    const view = render(<MeldWidgetDialog widgetUrl={widgetUrl()} allowedHosts={[HOST_PORT]} open onOpenChange={onOpenChange} />);
    expect(document.querySelector('dialog')).not.toBeNull();
    view.rerender(<MeldWidgetDialog widgetUrl={widgetUrl()} allowedHosts={[HOST_PORT]} open={false} onOpenChange={onOpenChange} />);
    expect(document.querySelector('dialog')).toBeNull();
    expect(onOpenChange).not.toHaveBeenCalled();

    view.rerender(<MeldWidgetDialog widgetUrl={widgetUrl()} allowedHosts={[HOST_PORT]} open onOpenChange={onOpenChange} />);
    await userEvent.keyboard('{Escape}');
    expect(onOpenChange).toHaveBeenCalledWith(false);
    view.unmount();
  });

  it('given an unsafe URL, should report it and open nothing', () => {
    const onError = vi.fn();
    const view = render(<MeldWidgetDialog widgetUrl="https://meld.io.evil.com/" onError={onError} />);
    expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(WidgetUrlError);
    expect(document.querySelector('dialog')).toBeNull();
    view.unmount();
  });
});
