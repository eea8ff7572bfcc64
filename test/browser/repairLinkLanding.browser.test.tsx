// Issue 15, part 2 in Chromium: a customer lands from a repair link on the host's page, then
// repairs the connection in each widget mode, against the loopback host (its redeem route is the
// contract's: each link once, every refusal 404 REPAIR_LINK_INVALID). Redirect mode leaves the
// page and comes back, so it runs in a host page of its own, in a frame (see kitPages.ts).
import { waitFor, within } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import { RepairLinkLanding, type WidgetSettings } from '../../src/index.js';
import { aConnection, axeViolations, elementsWithStyleAttribute, renderKit } from './componentHarness.js';
import { HOST, HOST_PORT, RELAY_URL, connection, emit, hold, hostState, issueRepairLinks, release, resetHost } from './fakeHost.js';
import { LANDING_PATH } from './kitPaths.js';

const REDEEM = 'POST /repair-links/redeem';
const VERIFICATION = { delaysMs: [200, 400, 800], timeoutMs: 5_000 };
const START = `${window.location.pathname}${window.location.search}${window.location.hash}`;

let seq = 0;
const token = () => `chromium_${(seq += 1)}_${Math.random().toString(36).slice(2, 12)}`;

/** The e-mail's link opened this page: the host's address plus the token. */
function land(value: string) {
  const joiner = window.location.search ? '&' : '?';
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${joiner}meld_repair=${value}${window.location.hash}`);
}

function renderLanding(widget: WidgetSettings = {}) {
  return renderKit(<RepairLinkLanding />, { widget: { allowedHosts: [HOST_PORT], ...widget }, verification: VERIFICATION });
}

async function landingIn(state: string, root: ParentNode = document, timeout = 5_000): Promise<HTMLElement> {
  return waitFor(
    () => {
      const found = root.querySelector<HTMLElement>('[data-slot="repair-landing"]');
      expect(found?.getAttribute('data-state')).toBe(state);
      return found as HTMLElement;
    },
    { timeout },
  );
}

async function promptIn(state: string, root: ParentNode = document, timeout = 8_000): Promise<HTMLElement> {
  return waitFor(
    () => {
      const found = root.querySelector<HTMLElement>('[data-slot="repair-landing-prompt"]');
      expect(found?.getAttribute('data-state')).toBe(state);
      return found as HTMLElement;
    },
    { timeout },
  );
}

/** The host app's document in `frame`, once its page (not the blank one before it) has started the app. */
async function appDocument(frame: HTMLIFrameElement): Promise<Document> {
  return waitFor(
    () => {
      const doc = frame.contentDocument;
      expect(doc?.location.pathname).toBe(LANDING_PATH);
      expect(doc?.body?.dataset.ready).toBe('');
      return doc as Document;
    },
    { timeout: 20_000 },
  );
}

/** axe in the frame's own window (axe checks elements of the window it runs in), colour contrast on. */
async function axeViolationsInFrame(frame: HTMLIFrameElement, context: Element): Promise<string[]> {
  const win = frame.contentWindow as (Window & { axe?: typeof axe; eval: (code: string) => unknown }) | null;
  if (!win) throw new Error('no frame window');
  if (!win.axe) win.eval(axe.source);
  const results = await (win.axe as typeof axe).run(context, { iframes: false, resultTypes: ['violations'], rules: { 'color-contrast': { enabled: true }, region: { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** axe (colour contrast on) finds nothing, and no inline style a strict CSP would refuse. */
async function expectAccessible(region: HTMLElement) {
  expect(await axeViolations(region)).toEqual([]);
  expect(elementsWithStyleAttribute(region)).toEqual([]);
}

beforeEach(() => sessionStorage.clear());
afterEach(async () => {
  await release();
  await commands.closeRelayWindows();
  document.body.querySelectorAll('iframe[data-testid="host-app"]').forEach((frame) => frame.remove());
  window.history.replaceState(window.history.state, '', START);
  sessionStorage.clear();
});

describe('RepairLinkLanding in Chromium', () => {
  it('given a link to a broken connection in dialog mode, should take focus, stay accessible, and repair it from the customer\'s click', async () => {
    const t = token();
    await resetHost([{ ...connection('c1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED'), widget: 'auto=complete' }]);
    await issueRepairLinks({ [t]: 'c1' });
    await hold(REDEEM);
    land(t);
    renderLanding();

    const redeeming = await landingIn('redeeming');
    expect(window.location.href).not.toContain('meld_repair');
    expect(document.activeElement).toBe(within(redeeming).getByRole('heading', { name: 'Your bank connection' }));
    await expectAccessible(redeeming);

    await release(REDEEM);
    const region = await landingIn('ready');
    await promptIn('reconnect');
    expect(within(region).getAllByRole('button').map((b) => b.textContent)).toEqual(['Reconnect']);
    await expectAccessible(region);
    expect(document.querySelector('dialog')).toBeNull();

    await userEvent.click(within(region).getByRole('button', { name: 'Reconnect' }));
    await promptIn('verified');
    expect(region).toHaveTextContent('Your First Test Bank connection is working again.');
    const { counts } = await hostState();
    expect(counts[REDEEM]).toBe(1);
    expect(counts['POST /connections/c1/repair']).toBe(1);
    expect(document.querySelector('dialog')).toBeNull();
  });

  it('given popup mode with the relay page, should repair it in the popup the click opened', async () => {
    const t = token();
    await resetHost([{ ...connection('c2', 'ACTIVE', 'ACCESS_EXPIRING_SOON'), widget: 'auto=complete' }]);
    await issueRepairLinks({ [t]: 'c2' });
    land(t);
    renderLanding({ mode: 'popup', relayUrl: RELAY_URL });
    const region = await landingIn('ready');
    await promptIn('expiring-soon');
    expect(within(region).getAllByRole('button').map((b) => b.textContent)).toEqual(['Reconnect']);
    await userEvent.click(within(region).getByRole('button', { name: 'Reconnect' }));
    await promptIn('verified', document, 10_000);
    expect(document.querySelector('dialog')).toBeNull();
    expect((await hostState()).counts[REDEEM]).toBe(1);
  });

  it('given redirect mode, should leave for the widget from the click and, back on the page without the link, verify that connection', async () => {
    const t = token();
    await resetHost([connection('c3', 'RECONNECT_REQUIRED', 'TOKEN_EXPIRED')]);
    await issueRepairLinks({ [t]: 'c3' });
    const frame = document.createElement('iframe');
    frame.dataset.testid = 'host-app';
    frame.title = 'Host app';
    frame.style.inlineSize = '800px';
    frame.style.blockSize = '600px';
    document.body.append(frame);
    const app = `${LANDING_PATH}?${new URLSearchParams({ host: HOST, mode: 'redirect' })}`;
    frame.src = `${app}&meld_repair=${t}#accounts`;

    const inFrame = () => frame.contentDocument as Document;
    const region = await landingIn('ready', await appDocument(frame), 10_000);
    await promptIn('reconnect', inFrame());
    expect(frame.contentWindow?.location.search).toBe(`?${new URLSearchParams({ host: HOST, mode: 'redirect' })}`);
    expect(frame.contentWindow?.location.hash).toBe('#accounts');
    expect(inFrame().activeElement?.getAttribute('data-slot')).toBe('repair-landing-title');
    expect(await axeViolationsInFrame(frame, region)).toEqual([]);

    within(region).getByRole('button', { name: 'Reconnect' }).click();
    // Off to Meld's widget (the fake one, on the loopback host's origin): the frame's document is no longer ours.
    await waitFor(() => expect(frame.contentDocument).toBeNull(), { timeout: 10_000 });
    expect(sessionStorage.getItem('meld-reconnect-kit:landed')).toContain('"connectionId":"c3"');
    expect(sessionStorage.getItem('meld-reconnect-kit:landed')).not.toContain(t);

    // The customer signs in; Meld's webhook reaches the host; Meld sends the browser back to the page, without the link.
    await emit({ connectionId: 'c3', newStatus: 'ACTIVE', newStatusReason: null });
    frame.src = app;
    const back = await landingIn('ready', await appDocument(frame), 10_000);
    await promptIn('verified', inFrame());
    expect(back).toHaveTextContent('Your First Test Bank connection is working again.');
    const { counts } = await hostState();
    expect(counts[REDEEM]).toBe(1);
    expect(counts['POST /connections/c3/repair']).toBe(1);
    expect(sessionStorage.getItem('meld-reconnect-kit:landed')).toBeNull();
    expect(sessionStorage.getItem('meld-reconnect-kit:redirect')).toBeNull();
  }, 60_000);

  it('given a link the host refuses, a healthy connection, and a host out of reach, should say so, take focus and stay accessible', async () => {
    await resetHost([aConnection('c4', 'ACTIVE', null)]);
    const used = token();
    const healthy = token();
    await issueRepairLinks({ [used]: 'c4', [healthy]: 'c4' });
    await fetch(`${HOST}/api/repair-links/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: used }) });

    land(used);
    const refused = renderLanding();
    const invalid = await landingIn('invalid');
    expect(invalid).toHaveTextContent('This link can no longer be used.');
    expect(document.activeElement?.getAttribute('data-slot')).toBe('repair-landing-title');
    await expectAccessible(invalid);
    refused.unmount();

    land(healthy);
    const ok = renderLanding();
    const connected = await landingIn('ready');
    await waitFor(() => expect(connected.querySelector('[data-slot="repair-landing-connected"]')).toHaveTextContent('First Test Bank is already connected.'));
    await expectAccessible(connected);
    ok.unmount();

    land(token());
    renderKit(<RepairLinkLanding />, { baseUrl: 'http://127.0.0.1:9/api' });
    const failed = await landingIn('error', document, 10_000);
    expect(within(failed).getByRole('button', { name: 'Try again' })).toBeTruthy();
    await expectAccessible(failed);
  });
});
