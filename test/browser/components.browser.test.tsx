import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  ConnectionHealthList,
  ConnectionStatusBadge,
  LinkNewAccountsPrompt,
  ReconnectBanner,
  applyStatusChange,
  defaultMessages,
  es,
  formatMessage,
  openMeldWidget,
} from '../../src/index.js';
import {
  aConnection,
  axeViolations,
  contrastRatio,
  connectionsForEveryRow,
  elementsWithStyleAttribute,
  emulateMedia,
  nextTask,
  renderKit,
  type Violation,
} from './componentHarness.js';
import { HOST_PORT, hold, hostState, release, resetHost, widgetUrl } from './fakeHost.js';

const THEMES = [
  { name: 'light', theme: undefined, colorScheme: 'light', surface: '#ffffff' },
  { name: 'dark', theme: 'dark', colorScheme: 'light', surface: '#15181d' },
  { name: 'auto under a dark colour scheme', theme: 'auto', colorScheme: 'dark', surface: '#15181d' },
] as const;

/**
 * Runs axe on `target` in each theme, switching the theme on `themed` (an
 * ancestor) and the page's colour scheme, and returns the violations per theme.
 * Also checks that the theme took effect, so a broken switch cannot pass.
 */
async function violationsInEveryTheme(themed: HTMLElement, target: Element): Promise<Record<string, Violation[]>> {
  const found: Record<string, Violation[]> = {};
  try {
    for (const { name, theme, colorScheme, surface } of THEMES) {
      if (theme) themed.setAttribute('data-mrk-theme', theme);
      else themed.removeAttribute('data-mrk-theme');
      await emulateMedia([{ name: 'prefers-color-scheme', value: colorScheme }]);
      expect(getComputedStyle(target).getPropertyValue('--mrk-surface').trim(), `tokens in the ${name} theme`).toBe(surface);
      found[name] = await axeViolations(target);
    }
  } finally {
    themed.removeAttribute('data-mrk-theme');
    await emulateMedia([]);
  }
  return found;
}

/** `#rrggbb` as a computed colour. */
const rgbOf = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

const NO_VIOLATIONS = Object.fromEntries(THEMES.map(({ name }) => [name, []]));

/** One state of a prompt: accessible in every theme, and no inline style for a strict CSP to refuse. */
async function expectStateAccessible(wrapper: HTMLElement, prompt: Element, state: string) {
  expect(prompt.getAttribute('data-state')).toBe(state);
  expect(await violationsInEveryTheme(wrapper, wrapper)).toEqual(NO_VIOLATIONS);
  expect(elementsWithStyleAttribute(wrapper)).toEqual([]);
}

/** The `data-state` of every prompt of one kind (`banner`, `new-accounts`) in `container`, in DOM order. */
function statesOf(container: Element, slot: string): Array<string | null> {
  return [...container.querySelectorAll(`[data-slot="${slot}"]`)].map((el) => el.getAttribute('data-state'));
}

async function findBannerInState(container: Element, state: string, timeout = 3_000): Promise<HTMLElement> {
  return waitFor(
    () => {
      const banner = container.querySelector<HTMLElement>(`[data-slot="banner"][data-state="${state}"]`);
      if (!banner) throw new Error(`no banner in state ${state}; states: ${[...container.querySelectorAll('[data-slot="banner"]')].map((b) => b.getAttribute('data-state')).join(', ') || 'none'}`);
      return banner;
    },
    { timeout },
  );
}

beforeEach(async () => {
  await page.viewport(1280, 800);
});

afterEach(async () => {
  // Unmount first: the prompts close their widgets; then answer what the host still holds.
  cleanup();
  await release();
  await emulateMedia([]);
  expect(document.querySelector('dialog'), 'a widget dialog outlived its prompt').toBeNull();
  await page.viewport(1280, 800);
});

// Prompt states the status table leads to for a banner (with showOutages), in Meld's row order;
// IN_PROGRESS, ACTIVE, NEW_ACCOUNTS_AVAILABLE and INACTIVE_DUPLICATE show no banner.
const TABLE_STATES = [
  'start-new-connection', // EXPIRED
  'expiring-soon',
  'partial-data',
  'temporary-outage',
  'institution-action',
  'temporary-outage',
  'refresh-on-demand',
  'reconnect',
  'institution-repairing',
  'reconnect',
  'reconnect',
  'start-new-connection',
  'choose-another-institution',
  'start-new-connection',
  'temporary-outage',
  'temporary-outage',
  'temporary-outage',
  'temporary-outage',
  'start-new-connection', // DELETED
];

describe('axe with colour contrast, light / dark / auto-dark themes', () => {
  it('given every row of Meld\'s status table, should render each banner and new-accounts prompt with no violations', async () => {
    const connections = connectionsForEveryRow();
    const { container, wrapper } = renderKit(
      <>
        {connections.map((c) => (
          <ReconnectBanner key={c.id} connection={c} showOutages />
        ))}
        {connections.map((c) => (
          <LinkNewAccountsPrompt key={c.id} connection={c} />
        ))}
      </>,
    );
    await waitFor(() => expect(statesOf(container, 'banner')).toEqual(TABLE_STATES));
    await waitFor(() => expect(statesOf(container, 'new-accounts')).toEqual(['new-accounts']));
    expect(await violationsInEveryTheme(wrapper, wrapper)).toEqual(NO_VIOLATIONS);
    expect(elementsWithStyleAttribute(wrapper)).toEqual([]);
  });

  it('given a host token with too little contrast, should report it (the contrast check is live)', async () => {
    const { container, wrapper } = renderKit(<ReconnectBanner connection={aConnection('c-low', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')} />);
    await findBannerInState(container, 'reconnect');
    wrapper.style.setProperty('--mrk-banner-critical-fg', '#f08a8a');
    const violations = await axeViolations(wrapper);
    expect(violations.map((v) => v.rule)).toEqual(['color-contrast']);
    expect(violations[0]?.nodes.map((n) => n.target)).toContain('.mrk-banner__message');
  });

  it('given every row of Meld\'s status table, should render each status badge with no violations', async () => {
    const { container, wrapper } = renderKit(
      <ul>
        {connectionsForEveryRow('badge').map((c) => (
          <li key={c.id}>
            <ConnectionStatusBadge connection={c} />
          </li>
        ))}
      </ul>,
    );
    expect(container.querySelectorAll('[data-slot="status-badge"]')).toHaveLength(23);
    expect(await violationsInEveryTheme(wrapper, wrapper)).toEqual(NO_VIOLATIONS);
    expect(elementsWithStyleAttribute(wrapper)).toEqual([]);
  });

  it('given the host lists a connection for every row, should render the health list with no violations', async () => {
    await resetHost(connectionsForEveryRow('list'));
    const { container, wrapper } = renderKit(<ConnectionHealthList showOutages />);
    await screen.findByRole('heading', { name: defaultMessages['list.title'] });
    await waitFor(() => expect(statesOf(container, 'banner')).toHaveLength(19));
    expect(screen.getByRole('button', { name: defaultMessages['list.fix-all'] })).toBeTruthy();
    expect(await violationsInEveryTheme(wrapper, wrapper)).toEqual(NO_VIOLATIONS);
    expect(elementsWithStyleAttribute(wrapper)).toEqual([]);
  });

  it('given the customer reconnects, should pass through requesting, widget, verifying and verified with no violations', async () => {
    await resetHost([aConnection('f1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { widget: 'auto=complete' })]);
    await hold('POST /connections/f1/repair');
    await hold('GET /connections/f1');
    const { container, wrapper } = renderKit(<ReconnectBanner connection={aConnection('f1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')} />);
    await expectStateAccessible(wrapper, await findBannerInState(container, 'reconnect'), 'reconnect');

    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await expectStateAccessible(wrapper, await findBannerInState(container, 'requesting'), 'requesting');

    await release('POST /connections/f1/repair');
    // The widget completes on its own; verification's read is held, so "verifying" stays.
    await expectStateAccessible(wrapper, await findBannerInState(container, 'verifying'), 'verifying');

    await release('GET /connections/f1');
    // "verified" shows for a few seconds before the (now healthy) banner hides.
    await expectStateAccessible(wrapper, await findBannerInState(container, 'verified'), 'verified');
  });

  it('given the widget is open, should have no violations in the dialog nor in the prompt behind it', async () => {
    await resetHost([aConnection('f2', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')]);
    const { container, wrapper } = renderKit(<ReconnectBanner connection={aConnection('f2', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')} />);
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    const banner = await findBannerInState(container, 'widget-open');
    const dialog = document.querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    // axe skips what the modal dialog makes inert, so this checks the banner's markup, not its contrast.
    await expectStateAccessible(wrapper, banner, 'widget-open');
    // The dialog lives in <body>, outside the wrapper: a host themes it from <html>.
    expect(await violationsInEveryTheme(document.documentElement, dialog)).toEqual(NO_VIOLATIONS);
    await userEvent.keyboard('{Escape}');
  });

  it('given the customer signs in but the bank still refuses, should show still-broken with no violations', async () => {
    await resetHost([aConnection('f3', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { widget: 'auto=complete&outcome=still-broken' })]);
    const { container, wrapper } = renderKit(<ReconnectBanner connection={aConnection('f3', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')} />);
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await expectStateAccessible(wrapper, await findBannerInState(container, 'still-broken', 5_000), 'still-broken');
  });

  it('given the repair answers 500, should show failed with no violations', async () => {
    await resetHost([aConnection('f4', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { repairStatus: 500 })]);
    const { container, wrapper } = renderKit(<ReconnectBanner connection={aConnection('f4', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')} />);
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await expectStateAccessible(wrapper, await findBannerInState(container, 'failed'), 'failed');
  });

  it('given the customer refreshes, should show refreshing, refreshed and partial-data-persists with no violations', async () => {
    await resetHost([aConnection('f5', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED'), aConnection('f6', 'PARTIALLY_ACTIVE', 'PARTIAL_AGGREGATION_SUCCESS')]);
    await hold('POST /connections/f5/refresh');
    const { container, wrapper } = renderKit(
      <>
        <ReconnectBanner connection={aConnection('f5', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED')} />
        <ReconnectBanner connection={aConnection('f6', 'PARTIALLY_ACTIVE', 'PARTIAL_AGGREGATION_SUCCESS')} />
      </>,
    );
    await userEvent.click(screen.getByRole('button', { name: "I've done this" }));
    await expectStateAccessible(wrapper, await findBannerInState(container, 'refreshing'), 'refreshing');
    await release('POST /connections/f5/refresh');
    await expectStateAccessible(wrapper, await findBannerInState(container, 'refreshed'), 'refreshed');
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await expectStateAccessible(wrapper, await findBannerInState(container, 'partial-data-persists'), 'partial-data-persists');
  });
});

/** Whether the element shows a focus indicator: an outline or a box shadow. */
function hasVisibleFocus(element: Element): boolean {
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return element.matches(':focus-visible') && (outline || style.boxShadow !== 'none');
}

/** What has focus, in words that make a failure readable ("body", 'button "Reconnect"'). */
function focused(): string {
  const el = document.activeElement;
  if (!el || el === document.body) return 'body';
  const name = el.getAttribute('aria-label') ?? el.textContent ?? '';
  return `${el.tagName.toLowerCase()} "${name}"${el.closest('dialog') ? ' in the dialog' : ''}`;
}

const broken = (id: string) => aConnection(id, 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED');

describe('keyboard and focus', () => {
  it('given Tab from before the banner, should reach each action and then dismiss in DOM order, each with a visible focus ring', async () => {
    const { container } = renderKit(
      <>
        <button type="button">Before</button>
        <ReconnectBanner connection={broken('k1')} />
        <button type="button">After</button>
      </>,
    );
    const banner = await findBannerInState(container, 'reconnect');
    const inBanner = [...banner.querySelectorAll('button')];
    expect(inBanner.map((b) => b.getAttribute('aria-label') ?? b.textContent)).toEqual(['Reconnect', 'Dismiss']);
    screen.getByRole('button', { name: 'Before' }).focus();
    for (const button of inBanner) {
      await userEvent.tab();
      expect(document.activeElement).toBe(button);
      expect(hasVisibleFocus(button)).toBe(true);
    }
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'After' }));
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(inBanner.at(-1));
  });

  it('given the dark theme, should keep the focus ring visible', async () => {
    const { container } = renderKit(<ReconnectBanner connection={broken('k2')} />, {}, { theme: 'dark' });
    await findBannerInState(container, 'reconnect');
    await userEvent.tab();
    expect(focused()).toBe('button "Reconnect"');
    const button = document.activeElement as HTMLElement;
    expect(hasVisibleFocus(button)).toBe(true);
    expect(getComputedStyle(button).outlineColor).toBe('rgb(143, 176, 255)');
  });

  it.each([
    ['Enter', '{Enter}'],
    ['Space', '[Space]'],
  ])('given %s on Reconnect, should open the widget', async (_key, keys) => {
    const id = `k-open-${_key}`;
    await resetHost([broken(id)]);
    const { container } = renderKit(<ReconnectBanner connection={broken(id)} />);
    await findBannerInState(container, 'reconnect');
    await userEvent.tab();
    expect(focused()).toBe('button "Reconnect"');
    await userEvent.keyboard(keys);
    await findBannerInState(container, 'widget-open');
    expect(document.querySelector('dialog')?.open).toBe(true);
    expect((await hostState()).counts[`POST /connections/${id}/repair`]).toBe(1);
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(document.querySelector('dialog')).toBeNull());
  });

  it.each([
    ['Enter', '{Enter}'],
    ['Space', '[Space]'],
  ])('given %s on Dismiss, should hide the banner', async (_key, keys) => {
    const { container } = renderKit(<ReconnectBanner connection={broken(`k-dismiss-${_key}`)} />);
    await findBannerInState(container, 'reconnect');
    await userEvent.tab();
    await userEvent.tab();
    expect(focused()).toBe('button "Dismiss"');
    await userEvent.keyboard(keys);
    await waitFor(() => expect(container.querySelector('[data-slot="banner"]')).toBeNull());
  });

  it('given the widget dialog closes (Escape), should return focus to the Reconnect button', async () => {
    await resetHost([broken('k3')]);
    const { container } = renderKit(<ReconnectBanner connection={broken('k3')} />);
    await findBannerInState(container, 'reconnect');
    await userEvent.tab();
    expect(focused()).toBe('button "Reconnect"');
    await userEvent.keyboard('{Enter}');
    await findBannerInState(container, 'widget-open');
    await waitFor(() => expect(focused()).toBe('button "Close" in the dialog'));
    await userEvent.keyboard('{Escape}');
    await findBannerInState(container, 'reconnect');
    await nextTask();
    expect(focused()).toBe('button "Reconnect"');
    expect(document.activeElement).toBe(within(container).getByRole('button', { name: 'Reconnect' }));
  });

  it('given a prompt appears and changes by push while the customer types elsewhere, should never move focus', async () => {
    const { container, queryClient } = renderKit(
      <>
        <input aria-label="Search transactions" />
        <ReconnectBanner connection={aConnection('k4', 'ACTIVE', null)} />
        <LinkNewAccountsPrompt connection={aConnection('k4', 'ACTIVE', null)} />
        <ConnectionStatusBadge connection={aConnection('k4', 'ACTIVE', null)} />
      </>,
    );
    const input = screen.getByRole('textbox', { name: 'Search transactions' });
    await userEvent.click(input);
    await userEvent.keyboard('rent');
    await nextTask();

    const pushes: Array<[string, string | null, string, string]> = [
      ['RECONNECT_REQUIRED', 'LOGIN_REQUIRED', 'banner', 'reconnect'],
      ['UNRECOVERABLE', 'INSTITUTION_DISABLED', 'banner', 'choose-another-institution'],
      ['ACTIVE', 'NEW_ACCOUNTS_AVAILABLE', 'new-accounts', 'new-accounts'],
      ['ACTIVE', 'ACCESS_EXPIRING_SOON', 'banner', 'expiring-soon'],
    ];
    for (const [status, reason, slot, state] of pushes) {
      expect(applyStatusChange(queryClient, { connectionId: 'k4', newStatus: status, newStatusReason: reason }, { broadcast: false })).toBe(true);
      await waitFor(() => expect(container.querySelector(`[data-slot="${slot}"]`)?.getAttribute('data-state')).toBe(state));
      await nextTask();
      expect(document.activeElement).toBe(input);
    }
    await userEvent.keyboard('!');
    expect((input as HTMLInputElement).value).toBe('rent!');
  });
});

describe('the widget dialog and brand tokens set on a wrapper', () => {
  const INK = 'rgb(122, 16, 64)';
  let brand: HTMLStyleElement;
  beforeEach(() => {
    brand = document.createElement('style');
    brand.textContent = `.test-brand { --mrk-on-surface: ${INK}; --mrk-widget-radius: 3px; }`;
    document.head.append(brand);
  });
  afterEach(() => brand.remove());

  async function openFrom(id: string, widget: Record<string, unknown>): Promise<HTMLDialogElement> {
    await resetHost([broken(id)]);
    const { container, wrapper } = renderKit(<ReconnectBanner connection={broken(id)} />, { widget: { allowedHosts: [HOST_PORT], ...widget } });
    wrapper.classList.add('test-brand');
    await findBannerInState(container, 'reconnect');
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await findBannerInState(container, 'widget-open');
    return document.querySelector('dialog')!;
  }

  it('given widget.container picks the branded wrapper, should attach the dialog there, modal, with the brand\'s tokens', async () => {
    const dialog = await openFrom('b1', { container: (launcher: HTMLElement | null) => launcher?.closest('.test-brand') });
    expect(dialog.parentElement?.classList.contains('test-brand')).toBe(true);
    expect(dialog.matches(':modal')).toBe(true);
    expect(getComputedStyle(dialog.querySelector('[data-slot="widget-close"]')!).color).toBe(INK);
    expect(getComputedStyle(dialog).borderTopLeftRadius).toBe('3px');
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(document.querySelector('dialog')).toBeNull());
    await waitFor(() => expect(focused()).toBe('button "Reconnect"'));
  });

  it.each(THEMES)('given the $name theme, should draw the close button in the theme\'s text colour (at least 3:1 on the dialog)', async ({ theme, colorScheme, surface }) => {
    if (theme) document.documentElement.setAttribute('data-mrk-theme', theme);
    await emulateMedia([{ name: 'prefers-color-scheme', value: colorScheme }]);
    try {
      const dialog = await openFrom(`b-${theme ?? 'light'}`, {});
      const dialogStyle = getComputedStyle(dialog);
      expect(dialogStyle.backgroundColor).toBe(rgbOf(surface));
      const ink = getComputedStyle(dialog.querySelector('[data-slot="widget-close"]')!).color;
      expect(contrastRatio(ink, dialogStyle.backgroundColor)).toBeGreaterThanOrEqual(3);
      await userEvent.keyboard('{Escape}');
    } finally {
      document.documentElement.removeAttribute('data-mrk-theme');
    }
  });

  it('given openMeldWidget unstyled from a dark region, should still colour the dialog from the stylesheet, with no inline style', async () => {
    const region = document.createElement('div');
    region.setAttribute('data-mrk-theme', 'dark');
    const launcher = document.createElement('button');
    region.append(launcher);
    document.body.append(region);
    const handle = openMeldWidget({ widgetUrl: widgetUrl(), allowedHosts: [HOST_PORT], unstyled: true, returnFocusTo: launcher });
    try {
      const dialog = handle.element!;
      expect(dialog.getAttribute('data-mrk-theme')).toBe('dark');
      expect(elementsWithStyleAttribute(dialog)).toEqual([]);
      const background = getComputedStyle(dialog).backgroundColor;
      expect(background).toBe(rgbOf('#15181d'));
      const ink = getComputedStyle(dialog.querySelector('[data-slot="widget-close"]')!).color;
      expect(contrastRatio(ink, background)).toBeGreaterThanOrEqual(3);
    } finally {
      handle.close();
      region.remove();
    }
  });

  it('given no widget.container, should attach the dialog to <body>, where a wrapper\'s tokens do not reach', async () => {
    const dialog = await openFrom('b2', {});
    expect(dialog.parentElement).toBe(document.body);
    expect(getComputedStyle(dialog.querySelector('[data-slot="widget-close"]')!).color).not.toBe(INK);
    expect(getComputedStyle(dialog).borderTopLeftRadius).toBe('12px');
    await userEvent.keyboard('{Escape}');
  });
});

describe('live regions', () => {
  it('given any row of the status table, should announce prompts politely (role=status), never assertively', async () => {
    const { container } = renderKit(
      <>
        {connectionsForEveryRow('live').map((c) => (
          <ReconnectBanner key={c.id} connection={c} showOutages />
        ))}
        <LinkNewAccountsPrompt connection={aConnection('live-new', 'ACTIVE', 'NEW_ACCOUNTS_AVAILABLE')} />
      </>,
    );
    await waitFor(() => expect(container.querySelectorAll('[data-slot="banner"], [data-slot="new-accounts"]')).toHaveLength(20));
    const roles = [...container.querySelectorAll('[data-slot="banner"], [data-slot="new-accounts"]')].map((el) => el.getAttribute('role'));
    expect(new Set(roles)).toEqual(new Set(['status']));
    expect(container.querySelector('[role="alert"], [aria-live="assertive"]')).toBeNull();
  });

  it('given a status pushed while nobody acted, should stay polite however severe', async () => {
    const { container, queryClient } = renderKit(<ReconnectBanner connection={aConnection('l1', 'ACTIVE', 'ACCESS_EXPIRING_SOON')} />);
    await findBannerInState(container, 'expiring-soon');
    for (const [status, reason, state] of [
      ['RECONNECT_REQUIRED', 'LOGIN_REQUIRED', 'reconnect'],
      ['UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES', 'start-new-connection'],
    ] as const) {
      applyStatusChange(queryClient, { connectionId: 'l1', newStatus: status, newStatusReason: reason }, { broadcast: false });
      const banner = await findBannerInState(container, state);
      expect(banner.getAttribute('role')).toBe('status');
    }
  });

  it('given the repair answers 500 after the customer clicked Reconnect, should announce the failure as an alert, and politely again on retry', async () => {
    await resetHost([{ ...broken('l2'), repairStatus: 500 }]);
    const { container } = renderKit(<ReconnectBanner connection={broken('l2')} />);
    await findBannerInState(container, 'reconnect');
    await userEvent.click(within(container).getByRole('button', { name: 'Reconnect' }));
    const failed = await findBannerInState(container, 'failed');
    expect(failed.getAttribute('role')).toBe('alert');
    expect(within(failed).getByText(defaultMessages['error.unavailable'])).toBeTruthy();

    await resetHost([broken('l2')]);
    await hold('POST /connections/l2/repair');
    await userEvent.click(within(failed).getByRole('button', { name: 'Try again' }));
    const retrying = await findBannerInState(container, 'requesting');
    expect(retrying.getAttribute('role')).toBe('status');
  });

  it('given the customer signed in but the bank still refuses, should announce it as an alert', async () => {
    await resetHost([{ ...broken('l3'), widget: 'auto=complete&outcome=still-broken' }]);
    const { container } = renderKit(<ReconnectBanner connection={broken('l3')} />);
    await findBannerInState(container, 'reconnect');
    await userEvent.click(within(container).getByRole('button', { name: 'Reconnect' }));
    const banner = await findBannerInState(container, 'still-broken', 5_000);
    expect(banner.getAttribute('role')).toBe('alert');
  });
});

// A right-to-left catalog a host could pass (only the strings this prompt shows).
const ARABIC = {
  'prompt.reconnect': 'توقف اتصالك بـ {institution} عن التحديث. سجّل الدخول مرة أخرى لتبقى حساباتك محدّثة.',
  'prompt.last-updated': 'آخر تحديث {date}.',
  'action.reconnect': 'إعادة الاتصال',
  'action.dismiss': 'إغلاق',
};

describe('right to left', () => {
  it('given dir="rtl" on an ancestor, should put the icon right of the message and the actions left of it, with text from the catalog', async () => {
    const { container } = renderKit(<ReconnectBanner connection={broken('r1')} />, { messages: ARABIC, locale: 'ar' }, { dir: 'rtl' });
    const banner = await findBannerInState(container, 'reconnect');
    const part = (slot: string) => banner.querySelector(`[data-slot="${slot}"]`)!.getBoundingClientRect();
    const icon = part('banner-icon');
    const body = part('banner-body');
    const actions = part('banner-actions');
    const dismiss = part('banner-dismiss');
    // icon | message | dismiss on the first row, actions under the message, all mirrored.
    expect(Math.abs(icon.top - body.top)).toBeLessThan(body.height);
    expect(icon.left).toBeGreaterThanOrEqual(body.right);
    expect(dismiss.right).toBeLessThanOrEqual(body.left);
    expect(actions.top).toBeGreaterThanOrEqual(body.bottom);
    expect(Math.abs(actions.right - body.right)).toBeLessThan(1);
    expect(icon.right).toBeGreaterThan(banner.getBoundingClientRect().right - 40);

    expect(banner.getAttribute('lang')).toBe('ar');
    expect(banner.querySelector('[data-slot="banner-message"]')?.textContent).toBe(formatMessage(ARABIC['prompt.reconnect'], { institution: 'First Test Bank' }));
    expect(within(banner).getByRole('button', { name: ARABIC['action.reconnect'] })).toBeTruthy();
    expect(within(banner).getByRole('button', { name: ARABIC['action.dismiss'] })).toBeTruthy();
    expect(banner.querySelector('[data-slot="banner-updated"]')?.textContent).toMatch(/^آخر تحديث .+\.$/);
  });

  it('given dir="rtl", should draw the institution message\'s rule on the right (logical properties)', async () => {
    const { container } = renderKit(<ReconnectBanner connection={aConnection('r2', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED')} />, {}, { dir: 'rtl' });
    const banner = await findBannerInState(container, 'institution-action');
    const detail = getComputedStyle(banner.querySelector('[data-slot="banner-detail"]')!);
    expect(detail.borderRightWidth).toBe('3px');
    expect(detail.borderLeftWidth).toBe('0px');
  });
});

/** Layout problems of every prompt in `container` at the current width, as readable strings. */
function layoutProblems(container: Element): string[] {
  const problems: string[] = [];
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) problems.push(`page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth}`);
  for (const prompt of container.querySelectorAll<HTMLElement>('[data-slot="banner"], [data-slot="new-accounts"]')) {
    const name = `${prompt.dataset.slot} ${prompt.dataset.state}`;
    const box = prompt.getBoundingClientRect();
    if (prompt.scrollWidth > prompt.clientWidth) problems.push(`${name} overflows: ${prompt.scrollWidth} > ${prompt.clientWidth}`);
    const body = prompt.querySelector(`[data-slot="${prompt.dataset.slot}-body"]`)?.getBoundingClientRect();
    const actions = prompt.querySelector(`[data-slot="${prompt.dataset.slot}-actions"]`)?.getBoundingClientRect();
    if (body && actions && actions.top < body.bottom - 1) problems.push(`${name}: actions beside the message instead of wrapping below it`);
    for (const button of prompt.querySelectorAll('button')) {
      const b = button.getBoundingClientRect();
      const label = button.getAttribute('aria-label') ?? button.textContent;
      if (b.width < 24 || b.height < 24) problems.push(`${name}: "${label}" is ${b.width}x${b.height}, under 24x24`);
      if (b.left < box.left - 0.5 || b.right > box.right + 0.5) problems.push(`${name}: "${label}" sticks out of the prompt`);
    }
  }
  for (const badge of container.querySelectorAll<HTMLElement>('[data-slot="status-badge"]')) {
    if (badge.getBoundingClientRect().right > page.clientWidth) problems.push(`badge ${badge.dataset.state} sticks out of the page`);
  }
  return problems;
}

describe('narrow viewport (320 x 640)', () => {
  it.each([
    ['English', undefined, undefined],
    ['Spanish', es, 'es'],
  ])('given the %s catalog, should not scroll sideways, should wrap actions below the message, and keep buttons at least 24x24', async (_name, messages, locale) => {
    await page.viewport(320, 640);
    const connections = connectionsForEveryRow('narrow');
    const { container } = renderKit(
      <>
        {connections.map((c) => (
          <div key={c.id}>
            <ConnectionStatusBadge connection={c} />
            <ReconnectBanner connection={c} showOutages />
            <LinkNewAccountsPrompt connection={c} />
          </div>
        ))}
      </>,
      { messages, locale },
    );
    await waitFor(() => expect(container.querySelectorAll('[data-slot="banner"], [data-slot="new-accounts"]')).toHaveLength(20));
    expect(window.innerWidth).toBe(320);
    expect(layoutProblems(container)).toEqual([]);
  });

  it('given an institution message with a long web address, should still not scroll sideways', async () => {
    await page.viewport(320, 640);
    const message = 'Approve the connection at https://secure.firstbank.example.com/online-banking/security/connected-apps/approve-access before it expires.';
    const { container } = renderKit(<ReconnectBanner connection={aConnection('n1', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionMessage: message })} />);
    const banner = await findBannerInState(container, 'institution-action');
    expect(banner.querySelector('[data-slot="banner-detail"]')?.textContent).toBe(message);
    expect(layoutProblems(container)).toEqual([]);
  });
});

describe('reduced motion', () => {
  it('given prefers-reduced-motion, should stop the busy pulse that plays otherwise', async () => {
    await resetHost([broken('m1')]);
    await hold('POST /connections/m1/repair');
    const { container } = renderKit(<ReconnectBanner connection={broken('m1')} />);
    await findBannerInState(container, 'reconnect');
    await userEvent.click(within(container).getByRole('button', { name: 'Reconnect' }));
    const banner = await findBannerInState(container, 'requesting');
    expect(banner.getAttribute('aria-busy')).toBe('true');
    const icon = banner.querySelector('[data-slot="banner-icon"]')!;
    expect(getComputedStyle(icon).animationName).toBe('mrk-pulse');

    await emulateMedia([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    expect(matchMedia('(prefers-reduced-motion: reduce)').matches).toBe(true);
    expect(getComputedStyle(icon).animationName).toBe('none');
    // Nothing else in the kit's prompts moves either.
    const moving = [...container.querySelectorAll('*')].filter((el) => {
      const style = getComputedStyle(el);
      return style.animationName !== 'none' || parseFloat(style.transitionDuration) > 0;
    });
    expect(moving).toEqual([]);
  });
});

describe('institution messages', () => {
  const MARKUP = '<img src="x" onerror="window.__mrkInjected = 1"><script>window.__mrkInjected = 2</script><b>Approve</b> access in the app.';

  it('given markup in the institution message, from the host or by push, should show it as text and run nothing', async () => {
    const injected = () => (window as { __mrkInjected?: number }).__mrkInjected;
    const { container, queryClient } = renderKit(
      <ReconnectBanner connection={aConnection('x1', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionMessage: MARKUP })} />,
    );
    const banner = await findBannerInState(container, 'institution-action');
    const detail = () => banner.querySelector('[data-slot="banner-detail"]');
    expect(detail()?.textContent).toBe(MARKUP);
    expect(detail()?.children).toHaveLength(0);

    const pushed = MARKUP.replace('Approve', 'Confirm');
    applyStatusChange(queryClient, { connectionId: 'x1', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: pushed }, { broadcast: false });
    await waitFor(() => expect(detail()?.textContent).toBe(pushed));
    expect(detail()?.children).toHaveLength(0);
    expect(container.querySelector('img, script, b')).toBeNull();
    // An <img onerror> would have fired by now had it been parsed as HTML.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
    expect(injected()).toBeUndefined();
  });
});
