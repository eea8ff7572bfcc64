// Popup mode against a hostile page in the popup (issue 13, item 1). The kit
// runs in a host page of its own, a top-level window named 'kit-host' on the
// test page's origin (see kitPages.ts): a real tab as the attack needs
// (Chromium lets a popup navigate its opener only when that is a top-level
// window), and one whose loss does not take the test runner with it. The
// widget sends its window to a page on the attacker's origin, which tries
// every way back; meanwhile same-origin code without the launch's secret
// forges messages on every channel it can name.
import { waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import type * as Core from '../../src/core/index.js';
import { RELAY_CHANNEL_PREFIX, RELAY_PROTOCOL } from '../../src/core/preparePopup.js';
import { ATTACKER, HOST, HOST_PORT, KIT_HOST_PATH, RELAY_URL, attackReports, resetHost, widgetUrl } from './fakeHost.js';

type HostWindow = Window & { kit: typeof Core; hostMarker: string };

const FORGED = { domain: 'meld-connect', eventName: 'connect_complete', institutionId: 'forged', institutionName: 'Forged Bank', accountCount: 99, accounts: [] };
let hostTab: Window | null = null;
let stopForging: () => void = () => {};

async function openHostTab(): Promise<HostWindow> {
  hostTab = window.open(KIT_HOST_PATH, 'kit-host', 'popup=yes,width=800,height=600');
  expect(hostTab).not.toBeNull();
  const tab = hostTab as HostWindow;
  await waitFor(() => expect(tab.document?.body?.dataset.ready).toBe(''), { timeout: 20_000 });
  return tab;
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
  hostTab?.close();
  hostTab = null;
  await commands.closeRelayWindows();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('popup mode against a hostile page in the popup (Chromium)', () => {
  it('given a page on another origin in the popup, should keep the host tab where it is and ignore every forgery, while the genuine widget completes', async () => {
    const host = await openHostTab();
    const hostHref = host.location.href;

    // As the customer's click would (Playwright's Chromium blocks no popups, so no click is needed in that tab).
    const prepared = host.kit.preparePopup({ relayUrl: RELAY_URL });
    expect(prepared).not.toBeNull();
    if (!prepared) return;

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

    // Until the flow ends, or the host page is gone (the kit with it: then nothing would end it).
    await vi.waitUntil(() => onClose.mock.calls.length > 0 || !hostIntact(host, hostHref), { timeout: 20_000, interval: 50 });
    stopForging();
    await new Promise((resolve) => setTimeout(resolve, 300)); // lets a late navigation of the host show

    // The host page never moved, and the kit completed from the genuine widget only.
    const reports = await attackReports();
    const hijacks = ['opener', 'parent.opener', 'top.opener', 'named:meld-connect', 'named:kit-host'];
    const phishedVia = reports.filter((r) => r.page === 'phished').map((r) => r.via);
    expect({ hostIntact: hostIntact(host, hostHref), phishedVia: phishedVia.filter((via) => hijacks.includes(via ?? '')) }).toEqual({
      hostIntact: true,
      phishedVia: [],
    });
    expect(onClose.mock.calls).toEqual([['completed']]);
    expect(onComplete.mock.calls).toEqual([[{ institutionId: 'inst_1', institutionName: 'First Test Bank', accountCount: 2, accounts: [] }]]);
    const names = onEvent.mock.calls.map(([event]) => (event.metadata as { institutionName?: string } | undefined)?.institutionName);
    expect(names).not.toContain('Forged Bank');
    expect(names).not.toContain('Forged Widget');

    // What the attacker's page saw: no opener anywhere, so nothing to navigate or message.
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
    // Found by name, neither the kit's old popup name nor the host tab's name leads anywhere: a new, empty window.
    expect(attack?.['named meld-connect']).toBe('a new window');
    expect(attack?.['named kit-host']).toBe('a new window');
    expect(hostIntact(host, hostHref)).toBe(true);
  }, 40_000);
});
