// Popup mode against a hostile page in the popup (issue 13, item 1). The kit
// runs in a host page of its own (a same-origin frame named 'kit-host', see
// kitPages.ts), so that a page which navigates "the host tab" takes only that
// frame, not the test runner. The widget sends its window to a page on the
// attacker's origin, which tries every way back; meanwhile same-origin code
// without the launch's secret forges messages on every channel it can name.
import { waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import type * as Core from '../../src/core/index.js';
import { RELAY_CHANNEL_PREFIX, RELAY_PROTOCOL } from '../../src/core/preparePopup.js';
import { ATTACKER, HOST, HOST_PORT, KIT_HOST_PATH, RELAY_URL, attackReports, resetHost, widgetUrl } from './fakeHost.js';

type HostWindow = Window & { kit: typeof Core; hostMarker: string };

const FORGED = { domain: 'meld-connect', eventName: 'connect_complete', institutionId: 'forged', institutionName: 'Forged Bank', accountCount: 99, accounts: [] };
let hostFrame: HTMLIFrameElement;
let stopForging: () => void = () => {};

async function openHostPage(): Promise<HostWindow> {
  hostFrame = document.createElement('iframe');
  hostFrame.name = 'kit-host';
  hostFrame.src = KIT_HOST_PATH;
  document.body.append(hostFrame);
  await waitFor(() => expect(hostFrame.contentDocument?.body?.dataset.ready).toBe(''), { timeout: 20_000 });
  return hostFrame.contentWindow as HostWindow;
}

/** Whether the host page is still the host page: same document, same URL, the kit still loaded. */
function hostIntact(host: HostWindow, href: string): boolean {
  try {
    return host.location.href === href && host.hostMarker === 'still here' && typeof host.kit?.openMeldWidget === 'function';
  } catch {
    return false; // navigated to another origin: its location is no longer readable
  }
}

beforeEach(async () => {
  await resetHost([{ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }]);
});

afterEach(async () => {
  stopForging();
  hostFrame?.remove();
  await commands.closeRelayWindows();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('popup mode against a hostile page in the popup (Chromium)', () => {
  it('given a page on another origin in the popup, should keep the host tab where it is and ignore every forgery, while the genuine widget completes', async () => {
    const host = await openHostPage();
    const hostHref = host.location.href;
    let hostLoads = 0;
    hostFrame.addEventListener('load', () => (hostLoads += 1));

    // The customer's click prepares the popup in the host page.
    const trigger = document.createElement('button');
    trigger.textContent = 'Reconnect';
    document.body.append(trigger);
    let popup: Core.PreparedPopup | null = null;
    trigger.addEventListener('click', () => {
      popup = host.kit.preparePopup({ relayUrl: RELAY_URL });
    });
    await userEvent.click(trigger);
    expect(popup).not.toBeNull();
    const prepared = popup as unknown as Core.PreparedPopup;

    const report = `${HOST}/__control/report`;
    const attackerPage = `${ATTACKER}/attacker?${new URLSearchParams({
      back: widgetUrl({ auto: 'complete', delay: '300' }),
      phish: `${ATTACKER}/phished?${new URLSearchParams({ report })}`,
      report,
    })}`;
    const onEvent = vi.fn();
    const onComplete = vi.fn();
    const onClose = vi.fn();
    host.kit.openMeldWidget({
      widgetUrl: widgetUrl({ goto: attackerPage }),
      mode: 'popup',
      popup: prepared,
      allowedHosts: [HOST_PORT],
      onEvent,
      onComplete,
      onClose,
    });

    // Same-origin code without the secret forges on every channel it can name,
    // for as long as the flow could take, so the forgeries race the genuine messages.
    const leakedName = RELAY_CHANNEL_PREFIX + prepared.secret;
    const guessedName = RELAY_CHANNEL_PREFIX + 'f'.repeat(64);
    const leaked = new BroadcastChannel(leakedName);
    const guessed = new BroadcastChannel(guessedName);
    const forgedWidget = widgetUrl({ auto: 'complete', institution: 'Forged Widget' });
    const forge = () => {
      host.postMessage(FORGED, '*');
      host.postMessage(JSON.stringify(FORGED), '*');
      window.postMessage(FORGED, '*');
      guessed.postMessage({ v: RELAY_PROTOCOL, from: 'relay', nonce: 'f'.repeat(64), type: 'message', data: FORGED });
      // The channel's name leaked, but not the nonce every message must carry.
      leaked.postMessage({ v: RELAY_PROTOCOL, from: 'relay', type: 'message', data: FORGED });
      leaked.postMessage({ v: RELAY_PROTOCOL, from: 'relay', nonce: 'f'.repeat(64), type: 'message', data: FORGED });
      leaked.postMessage({ v: RELAY_PROTOCOL, from: 'relay', nonce: '', type: 'closed' });
      leaked.postMessage({ v: RELAY_PROTOCOL, from: 'kit', nonce: 'f'.repeat(64), type: 'open', widgetUrl: forgedWidget, origins: [HOST], title: 'Forged' });
      leaked.postMessage({ v: RELAY_PROTOCOL, from: 'kit', type: 'close' });
    };
    forge();
    const forging = setInterval(forge, 50);
    stopForging = () => {
      clearInterval(forging);
      leaked.close();
      guessed.close();
    };

    await waitFor(() => expect(onClose).toHaveBeenCalled(), { timeout: 15_000 });
    stopForging();

    // The host page never moved, and the kit completed from the genuine widget only.
    expect(hostIntact(host, hostHref)).toBe(true);
    expect(hostLoads).toBe(0);
    expect(onClose.mock.calls).toEqual([['completed']]);
    expect(onComplete.mock.calls).toEqual([[{ institutionId: 'inst_1', institutionName: 'First Test Bank', accountCount: 2, accounts: [] }]]);
    const names = onEvent.mock.calls.map(([event]) => (event.metadata as { institutionName?: string } | undefined)?.institutionName);
    expect(names).not.toContain('Forged Bank');
    expect(names).not.toContain('Forged Widget');

    // What the attacker's page saw: no opener anywhere, so nothing to navigate or message.
    const reports = await attackReports();
    const attack = reports.find((r) => r.page === 'attacker')?.results;
    expect(attack).toMatchObject({
      opener: 'null',
      topOpener: 'null',
      'opener.location': expect.stringMatching(/^threw TypeError/),
      'parent.opener.location': expect.stringMatching(/^threw TypeError/),
      'top.opener.location': expect.stringMatching(/^threw TypeError/),
      'opener.postMessage': expect.stringMatching(/^threw TypeError/),
      'top.opener.postMessage': expect.stringMatching(/^threw TypeError/),
    });
    // Found by name, 'meld-connect' is no window of the kit's: a new, empty one.
    expect(attack?.['named meld-connect']).not.toMatch(/itself|way back/);
    const phishedVia = reports.filter((r) => r.page === 'phished').map((r) => r.via);
    for (const via of ['opener', 'parent.opener', 'top.opener', 'named']) expect(phishedVia).not.toContain(via);
    expect(hostIntact(host, hostHref)).toBe(true);
  });
});
