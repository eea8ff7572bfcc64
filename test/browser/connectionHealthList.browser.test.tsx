import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { ConnectionHealthList, defaultMessages, formatMessage, useConnectionEvents } from '../../src/index.js';
import { aConnection, nextTask, renderKit } from './componentHarness.js';
import { HOST_PORT, RELAY_URL, emit, hold, hostState, release, resetHost } from './fakeHost.js';

const FIX_ALL = defaultMessages['list.fix-all'];
const STOP = defaultMessages['list.stop'];
const progress = (current: number, total: number) => formatMessage(defaultMessages['list.progress'], { current, total });

/** The list's items, top to bottom, as "institution: prompt state". */
function items(container: Element): string[] {
  return [...container.querySelectorAll('[data-slot="health-list-item"]')].map((item) => {
    const institution = item.querySelector('[data-slot="status-badge"]')?.firstElementChild?.textContent?.split(':')[0];
    return `${institution}: ${item.querySelector('[data-slot="banner"]')?.getAttribute('data-state') ?? 'no banner'}`;
  });
}

function itemOf(container: Element, institution: string): HTMLElement {
  const item = [...container.querySelectorAll<HTMLElement>('[data-slot="health-list-item"]')].find((el) =>
    el.querySelector('[data-slot="status-badge"]')?.textContent?.startsWith(`${institution}:`),
  );
  if (!item) throw new Error(`no item for ${institution}; items: ${items(container).join(' | ')}`);
  return item;
}

/** The repair requests the host received, in order. */
async function repairs(): Promise<string[]> {
  return (await hostState()).log.filter((route) => route.endsWith('/repair'));
}

function Live() {
  useConnectionEvents();
  return null;
}

afterEach(async () => {
  // Unmount first: the prompts close their widgets; then answer what the host still holds.
  cleanup();
  await release();
  expect(document.querySelector('dialog'), 'a widget dialog outlived its prompt').toBeNull();
});

describe('ConnectionHealthList against the loopback host', () => {
  it('given connections of every kind, should list those that need attention, the ones the customer must fix first, then by severity', async () => {
    await resetHost([
      aConnection('h1', 'ACTIVE', 'ACCESS_EXPIRING_SOON', { institutionName: 'Alpha Bank' }),
      aConnection('h2', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { institutionName: 'Bravo Bank' }),
      aConnection('h3', 'ACTIVE', null, { institutionName: 'Charlie Bank' }),
      aConnection('h4', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionName: 'Delta Bank' }),
      aConnection('h5', 'RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION', { institutionName: 'Echo Bank' }),
      aConnection('h6', 'UNRECOVERABLE', 'INSTITUTION_DISABLED', { institutionName: 'Foxtrot Bank' }),
      aConnection('h7', 'DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE', { institutionName: 'Golf Bank' }),
      aConnection('h8', 'DEGRADED', 'INTERACTIVE_REFRESH', { institutionName: 'Hotel Bank' }),
      aConnection('h9', 'ACTIVE', 'NEW_ACCOUNTS_AVAILABLE', { institutionName: 'India Bank' }),
    ]);
    const { container } = renderKit(<ConnectionHealthList />);
    await waitFor(() =>
      expect(items(container)).toEqual([
        'Bravo Bank: reconnect',
        'Foxtrot Bank: choose-another-institution',
        'Delta Bank: institution-action',
        'Alpha Bank: expiring-soon',
        'Echo Bank: institution-repairing',
        'Hotel Bank: refresh-on-demand',
      ]),
    );
  });

  it('given Tab, should reach "Fix them one after another" and then every item\'s buttons in DOM order, each with a visible focus ring', async () => {
    await resetHost([
      aConnection('t1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { institutionName: 'Bravo Bank' }),
      aConnection('t2', 'ACTIVE', 'ACCESS_EXPIRING_SOON', { institutionName: 'Alpha Bank' }),
    ]);
    const { container } = renderKit(<ConnectionHealthList />);
    await waitFor(() => expect(items(container)).toEqual(['Bravo Bank: reconnect', 'Alpha Bank: expiring-soon']));
    const buttons = [...container.querySelectorAll('button')];
    expect(buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent)).toEqual([FIX_ALL, 'Reconnect', 'Dismiss', 'Reconnect', 'Remind me later']);
    for (const button of buttons) {
      await userEvent.tab();
      expect(document.activeElement).toBe(button);
      const style = getComputedStyle(button);
      expect(button.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0).toBe(true);
    }
  });

  it('given "Fix them one after another", should run the reconnect flow for each reconnectable connection in turn, through the widget on its own origin', async () => {
    await resetHost([
      aConnection('q1', 'ACTIVE', 'ACCESS_EXPIRING_SOON', { institutionName: 'Alpha Bank', widget: 'auto=complete' }),
      aConnection('q2', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { institutionName: 'Bravo Bank', widget: 'auto=complete' }),
      aConnection('q3', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionName: 'Delta Bank' }),
      aConnection('q4', 'RECONNECT_REQUIRED', 'TOKEN_EXPIRED', { institutionName: 'Kilo Bank', widget: 'auto=complete' }),
    ]);
    const { container } = renderKit(<ConnectionHealthList />);
    await userEvent.click(await screen.findByRole('button', { name: FIX_ALL }));

    // Most urgent first: Bravo, Kilo (must reconnect), then Alpha (expiring). Delta needs the bank, not a reconnect.
    for (const [step, institution] of [[1, 'Bravo Bank'], [2, 'Kilo Bank'], [3, 'Alpha Bank']] as const) {
      await waitFor(() => expect(container.querySelector('[data-slot="health-list-queue"] [role="status"]')?.textContent).toBe(progress(step, 3)), { timeout: 5_000 });
      await waitFor(() => expect(itemOf(container, institution).querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('verified'), {
        timeout: 5_000,
      });
      expect(document.querySelectorAll('dialog').length).toBeLessThanOrEqual(1);
    }
    // Every reconnectable connection is fixed (the list learned it from the reads): nothing left to queue.
    await waitFor(() => expect(container.querySelector('[data-slot="health-list-queue"]')).toBeNull(), { timeout: 8_000 });
    // The queue's button left with focus on it: focus lands on the list's heading, not on the page.
    await waitFor(() => expect(document.activeElement).toBe(container.querySelector('[data-slot="health-list-title"]')));
    expect(await repairs()).toEqual(['POST /connections/q2/repair', 'POST /connections/q4/repair', 'POST /connections/q1/repair']);
    expect(document.querySelector('dialog')).toBeNull();
    expect(itemOf(container, 'Delta Bank').querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('institution-action');
  });

  it('given popup mode, should open each next popup only from the customer\'s click on "Continue with ..." (browsers block a popup opened without one)', async () => {
    await resetHost([
      aConnection('p1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { institutionName: 'Bravo Bank', widget: 'auto=complete' }),
      aConnection('p2', 'RECONNECT_REQUIRED', 'TOKEN_EXPIRED', { institutionName: 'Kilo Bank', widget: 'auto=complete' }),
    ]);
    const { container } = renderKit(<ConnectionHealthList />, { widget: { mode: 'popup', allowedHosts: [HOST_PORT], relayUrl: RELAY_URL } });
    await userEvent.click(await screen.findByRole('button', { name: FIX_ALL }));
    await waitFor(() => expect(itemOf(container, 'Bravo Bank').querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('verified'), {
      timeout: 8_000,
    });
    // The queue waits for the customer: no second repair, no popup of its own.
    const next = await screen.findByRole('button', { name: formatMessage(defaultMessages['list.next'], { institution: 'Kilo Bank' }) });
    await nextTask();
    expect(await repairs()).toEqual(['POST /connections/p1/repair']);
    expect(container.querySelector('[data-slot="health-list-queue"] [role="status"]')?.textContent).toBe(progress(2, 2));

    await userEvent.click(next);
    await waitFor(() => expect(itemOf(container, 'Kilo Bank').querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('verified'), {
      timeout: 8_000,
    });
    expect(await repairs()).toEqual(['POST /connections/p1/repair', 'POST /connections/p2/repair']);
    // Every reconnectable connection is fixed (the list learned it from the reads): nothing left to queue.
    await waitFor(() => expect(container.querySelector('[data-slot="health-list-queue"]')).toBeNull(), { timeout: 8_000 });
  });

  it('given Stop while a connection is being verified, should let that one finish and start no other', async () => {
    await resetHost([
      aConnection('s1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { institutionName: 'Bravo Bank', widget: 'auto=complete' }),
      aConnection('s2', 'RECONNECT_REQUIRED', 'TOKEN_EXPIRED', { institutionName: 'Kilo Bank', widget: 'auto=complete' }),
    ]);
    await hold('GET /connections/s1');
    const { container } = renderKit(<ConnectionHealthList />);
    await userEvent.click(await screen.findByRole('button', { name: FIX_ALL }));
    const first = itemOf(container, 'Bravo Bank');
    await waitFor(() => expect(first.querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('verifying'), { timeout: 5_000 });

    await userEvent.click(screen.getByRole('button', { name: STOP }));
    await screen.findByRole('button', { name: FIX_ALL });
    await release('GET /connections/s1');
    await waitFor(() => expect(first.querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('verified'), { timeout: 5_000 });
    await nextTask();
    await nextTask();
    expect(await repairs()).toEqual(['POST /connections/s1/repair']);
    expect(within(itemOf(container, 'Kilo Bank')).getByRole('button', { name: 'Reconnect' })).toBeTruthy();
    expect(document.querySelector('dialog')).toBeNull();
  });

  it('given the live stream and a push that beats the widget, should keep that connection until its flow ends, then move on with the queue', async () => {
    await resetHost([
      aConnection('v1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { institutionName: 'Bravo Bank', widget: 'auto=complete&delay=1500' }),
      aConnection('v2', 'RECONNECT_REQUIRED', 'TOKEN_EXPIRED', { institutionName: 'Kilo Bank' }),
      aConnection('v3', 'ACTIVE', 'ACCESS_EXPIRING_SOON', { institutionName: 'Alpha Bank' }),
    ]);
    const { container } = renderKit(
      <>
        <Live />
        <ConnectionHealthList />
      </>,
    );
    await waitFor(async () => expect((await hostState()).openStreams).toBe(1));
    await userEvent.click(await screen.findByRole('button', { name: FIX_ALL }));
    await waitFor(() => expect(itemOf(container, 'Bravo Bank').querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('widget-open'));

    // Meld's webhook can reach the page before the widget says it completed:
    // the customer is still in Bravo's widget, so it stays, and nothing else starts.
    await emit({ connectionId: 'v1', newStatus: 'ACTIVE', newStatusReason: null });
    await waitFor(() => expect(itemOf(container, 'Bravo Bank').querySelector('[data-slot="status-badge"]')?.getAttribute('data-state')).toBe('none'));
    expect(itemOf(container, 'Bravo Bank').querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('widget-open');
    expect(await repairs()).toEqual(['POST /connections/v1/repair']);

    // The widget completes: Bravo says so, and the queue moves on to Kilo.
    await waitFor(() => expect(items(container)).toEqual(['Kilo Bank: widget-open', 'Alpha Bank: expiring-soon', 'Bravo Bank: verified']), { timeout: 5_000 });
    expect(await repairs()).toEqual(['POST /connections/v1/repair', 'POST /connections/v2/repair']);
    expect(container.querySelector('[data-slot="health-list-queue"] [role="status"]')?.textContent).toBe(progress(2, 3));
    expect(screen.getByRole('button', { name: STOP })).toBeTruthy();
  });

  it('given the customer closes a queued widget, should stop the queue and start no other', async () => {
    await resetHost([
      aConnection('x1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { institutionName: 'Bravo Bank' }),
      aConnection('x2', 'RECONNECT_REQUIRED', 'TOKEN_EXPIRED', { institutionName: 'Kilo Bank' }),
    ]);
    const { container } = renderKit(<ConnectionHealthList />);
    const fixAll = await screen.findByRole('button', { name: FIX_ALL });
    await userEvent.click(fixAll);
    await waitFor(() => expect(itemOf(container, 'Bravo Bank').querySelector('[data-slot="banner"]')?.getAttribute('data-state')).toBe('widget-open'));
    await userEvent.click(within(document.querySelector('dialog') as HTMLElement).getByRole('button', { name: defaultMessages['widget.close'] }));
    await waitFor(() => expect(screen.getByRole('button', { name: FIX_ALL })).toBe(fixAll));
    expect(document.activeElement).toBe(fixAll);
    await nextTask();
    expect(await repairs()).toEqual(['POST /connections/x1/repair']);
    expect(document.querySelector('dialog')).toBeNull();
  });
});
