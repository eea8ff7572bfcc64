import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ReconnectBanner, es, getRenewal, useReconnectPrompt, type Connection } from '../src/index.js';
import { aConnection, INSTITUTION, INSTITUTION_MESSAGE, LAST_AGGREGATED_AT } from './support/connections.js';
import { buttonNames, findPrompt, text } from './support/expectations.js';
import type { HostScenario } from './support/hostMock.js';
import { kit, kitOf, type KitParameters } from './support/kit.js';
import { findWidgetDialog, press, rgb, waitForState } from './support/play.js';
import { createRowStories } from './support/rowStories.js';

const meta = {
  title: 'Components/ReconnectBanner',
  component: ReconnectBanner,
  parameters: {
    docs: {
      description: {
        component:
          "The prompt for a connection that needs the customer, decided from Meld's status table, and the reconnect flow's states. " +
          'Every story has its own host backend (MSW) and the widget is a stand-in page that posts the messages Meld\'s widget posts. ' +
          'Use the toolbar for the theme, the locale and the text direction.',
      },
    },
  },
  argTypes: {
    connectionId: { control: 'text', description: 'The connection to prompt for (read from the host).' },
    showOutages: { control: 'boolean', description: 'Show an informational line for temporary outages.' },
    unstyled: { control: 'boolean', description: "Drop the kit's class names; data attributes stay." },
    className: { control: 'text', description: "Appended to the kit's class names." },
  },
} satisfies Meta<typeof ReconnectBanner>;

export default meta;
type Story = StoryObj<typeof meta>;

const LOGIN = aConnection({ id: 'conn_login', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
const repairRoute = (connection: Connection) => `POST /connections/${connection.id}/repair`;

/** A story about one connection on its own host backend. */
function aboutConnection(connection: Connection, host: Omit<HostScenario, 'connections'> = {}, extra: Omit<KitParameters, 'host'> = {}) {
  return {
    args: { connectionId: connection.id },
    parameters: kit({ host: { connections: [connection], ...host }, ...extra }),
  };
}

/**
 * `RECONNECT_REQUIRED` / `LOGIN_REQUIRED`: the banner asks the customer to sign in
 * again; one click asks the host for one repair session and opens Meld's
 * widget (a stand-in here) straight at the bank's login.
 */
export const LoginRequired: Story = {
  ...aboutConnection(LOGIN),
  play: async (context) => {
    const { canvasElement } = context;
    const { host, onEvent } = kitOf(context);
    const banner = await findPrompt(canvasElement, 'banner');
    await expect(banner).toHaveAttribute('role', 'status');
    await expect(banner).toHaveAttribute('data-state', 'reconnect');
    await expect(banner).toHaveAttribute('data-severity', 'critical');
    await expect(within(banner).getByText(text('prompt.reconnect'))).toBeVisible();
    const date = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(LAST_AGGREGATED_AT));
    await expect(within(banner).getByText(text('prompt.last-updated', undefined, { date }))).toBeVisible();
    await expect(host.count(repairRoute(LOGIN))).toBe(0);

    const reconnect = within(banner).getByRole('button', { name: /Reconnect/ });
    await userEvent.click(reconnect);
    const dialog = await findWidgetDialog();
    await expect(dialog).toHaveAttribute('aria-label', `Reconnect ${INSTITUTION}`);
    const frame = dialog.querySelector('iframe');
    await expect(frame?.src.startsWith(`${window.location.origin}/meld-widget-stand-in.html`)).toBe(true);
    await waitForState(canvasElement, 'widget-open');
    await expect(host.count(repairRoute(LOGIN))).toBe(1);

    // The customer closes the widget: the prompt comes back, focus returns to its button, nothing more was requested.
    await userEvent.click(within(dialog).getByRole('button', { name: text('widget.close') }));
    await waitForState(canvasElement, 'reconnect');
    await expect(document.querySelector('dialog[data-slot="widget-dialog"]')).toBeNull();
    await waitFor(() => expect(within(canvasElement).getByRole('button', { name: text('action.reconnect') })).toHaveFocus());
    await expect(host.count(repairRoute(LOGIN))).toBe(1);
    const events = onEvent.mock.calls.map(([event]) => event.type);
    await expect(events).toEqual(expect.arrayContaining(['prompt_shown', 'flow_started', 'widget_opened', 'abandoned']));
  },
};

// ---------------------------------------------------------------------------
// The reconnect flow's states

/** Asking the host for a repair session (the host never answers here). */
export const FlowRequesting: Story = {
  ...aboutConnection(LOGIN, { repair: 'hang' }, { timeoutMs: 10 * 60_000 }),
  play: async (context) => {
    const { canvasElement } = context;
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'requesting');
    await expect(banner).toHaveAttribute('aria-busy', 'true');
    await expect(banner).toHaveAttribute('data-severity', 'info');
    await expect(within(banner).getByText(text('prompt.requesting'))).toBeVisible();
    // The pressed button stays (so focus stays), marked disabled; pressing it again asks for nothing.
    const button = within(banner).getByRole('button', { name: text('action.reconnect') });
    await expect(button).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(button);
    await waitFor(() => expect(kitOf(context).host.count(repairRoute(LOGIN))).toBe(1));
    await expect(banner).toHaveAttribute('data-state', 'requesting');
  },
};

/** The customer is in Meld's widget (a modal dialog; the banner says where to finish). */
export const FlowWidgetOpen: Story = {
  ...aboutConnection(LOGIN),
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'action.reconnect');
    const dialog = await findWidgetDialog();
    await expect(dialog.querySelector('iframe')).toHaveAttribute('title', `Reconnect ${INSTITUTION}`);
    const banner = await waitForState(canvasElement, 'widget-open');
    await expect(banner).toHaveAttribute('aria-busy', 'true');
    await expect(within(banner).getByText(text('prompt.widget-open-dialog'))).toBeInTheDocument();
    await expect(within(banner).getByRole('button', { name: text('action.reconnect') })).toHaveAttribute('aria-disabled', 'true');
  },
};

/** The widget said "done"; the kit waits for the connection to come back (no webhook yet). */
export const FlowVerifying: Story = {
  ...aboutConnection(LOGIN, { widget: 'complete', outcome: 'unchanged' }),
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'verifying');
    await expect(banner).toHaveAttribute('aria-busy', 'true');
    await expect(within(banner).getByText(text('prompt.verifying'))).toBeVisible();
    await expect(document.querySelector('dialog[data-slot="widget-dialog"]')).toBeNull();
  },
};

/** The connection is ACTIVE again: a success line for a few seconds, then nothing. */
export const FlowVerified: Story = {
  ...aboutConnection(LOGIN, { widget: 'complete', outcome: 'fixed' }),
  play: async (context) => {
    const { canvasElement } = context;
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'verified');
    await expect(banner).toHaveAttribute('role', 'status');
    await expect(within(banner).getByText(text('prompt.verified'))).toBeVisible();
    await expect(banner.querySelector('[data-icon]')).toHaveAttribute('data-icon', 'success');
    await expect(buttonNames(banner)).toEqual([]);
    await expect(kitOf(context).onEvent.mock.calls.map(([event]) => event.type)).toContain('verified');
  },
};

/**
 * The widget said "done" but no webhook and no read confirmed the repair
 * within the provider's `verification.timeoutMs` (shortened to 1.5 s here):
 * the banner says so, politely, and updates by itself when the bank answers.
 */
export const FlowUnconfirmed: Story = {
  ...aboutConnection(LOGIN, { widget: 'complete', outcome: 'unchanged' }, { verification: { timeoutMs: 1_500, delaysMs: [300] } }),
  play: async (context) => {
    const { canvasElement } = context;
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'unconfirmed');
    await expect(banner).toHaveAttribute('role', 'status');
    await expect(banner).toHaveAttribute('data-severity', 'info');
    await expect(banner).not.toHaveAttribute('aria-busy', 'true');
    await expect(within(banner).getByText(text('prompt.unconfirmed'))).toBeVisible();
    await expect(buttonNames(banner)).toEqual([text('action.dismiss')]);
    await expect(kitOf(context).onEvent.mock.calls.map(([event]) => event.type)).toContain('unconfirmed');
  },
};

/** The customer signed in, but the next status is still broken (a new reason): assertive, with a retry. */
export const FlowStillBroken: Story = {
  ...aboutConnection(LOGIN, { widget: 'complete', outcome: 'still-broken' }),
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'still-broken');
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(banner).toHaveAttribute('data-severity', 'critical');
    await expect(within(banner).getByText(text('prompt.still-broken'))).toBeVisible();
    await expect(buttonNames(banner)).toEqual([text('action.retry')]);
  },
};

/** Meld's widget reported an error (the stand-in fails the sign-in). */
export const FlowWidgetError: Story = {
  ...aboutConnection(LOGIN, { widget: 'error' }),
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'failed');
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(within(banner).getByText(text('error.widget-error'))).toBeVisible();
    await expect(buttonNames(banner)).toEqual([text('action.retry'), text('action.dismiss')]);
  },
};

/** The host answers 404: the connection is unknown. Nothing to retry; dismissing puts the failure away. */
export const FailedNotFound404: Story = {
  ...aboutConnection(LOGIN, { repair: 404 }),
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'failed');
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(within(banner).getByText(text('error.not-found'))).toBeVisible();
    await expect(buttonNames(banner)).toEqual([text('action.dismiss')]);
    await press(canvasElement, 'action.dismiss');
    await waitForState(canvasElement, 'reconnect');
  },
};

/** The host answers 409 (Meld will not repair it): "Connect again" calls the provider's onStartNewConnection. */
export const FailedConflict409StartNewConnection: Story = {
  ...aboutConnection(LOGIN, { repair: 409 }),
  play: async (context) => {
    const { canvasElement } = context;
    const { onStartNewConnection, host } = kitOf(context);
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'start-new-connection');
    await expect(within(banner).getByText(text('prompt.start-new-connection'))).toBeVisible();
    await expect(onStartNewConnection).not.toHaveBeenCalled();
    await press(canvasElement, 'action.connect-again');
    await expect(onStartNewConnection).toHaveBeenCalledTimes(1);
    await expect(onStartNewConnection.mock.calls[0]?.[0]).toMatchObject({ id: LOGIN.id });
    await expect(host.count(repairRoute(LOGIN))).toBe(1);
  },
};

/** The host answers 429: too many attempts; the retry asks again. */
export const FailedRateLimited429: Story = {
  ...aboutConnection(LOGIN, { repair: 429 }),
  play: async (context) => {
    const { canvasElement } = context;
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'failed');
    await expect(within(banner).getByText(text('error.rate-limited'))).toBeVisible();
    await press(canvasElement, 'action.retry');
    await waitFor(() => expect(kitOf(context).host.count(repairRoute(LOGIN))).toBe(2));
    await waitForState(canvasElement, 'failed');
  },
};

/** The host answers 500: "we could not reach the server", with a retry. */
export const FailedServerError500: Story = {
  ...aboutConnection(LOGIN, { repair: 500 }),
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'failed');
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(within(banner).getByText(text('error.unavailable'))).toBeVisible();
    await expect(buttonNames(banner)).toEqual([text('action.retry'), text('action.dismiss')]);
  },
};

/** The host sent a widget URL on a lookalike of Meld's host: the kit refuses to open it. */
export const FailedUnsafeWidgetUrl: Story = {
  ...aboutConnection(LOGIN, { repair: 'unsafe-widget-url' }),
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'action.reconnect');
    const banner = await waitForState(canvasElement, 'failed');
    await expect(within(banner).getByText(text('error.unsafe-widget-url'))).toBeVisible();
    await expect(document.querySelector('dialog[data-slot="widget-dialog"]')).toBeNull();
    await expect(buttonNames(banner)).toEqual([text('action.dismiss')]);
  },
};

// ---------------------------------------------------------------------------
// Dismissal, refresh and the other prompts

/** A broken connection's banner can be dismissed for this session only (never remembered). */
export const DismissForTheSession: Story = {
  ...aboutConnection(aConnection({ id: 'conn_dismiss_session', status: 'RECONNECT_REQUIRED', statusReason: 'TOKEN_EXPIRED' })),
  play: async (context) => {
    const { canvasElement } = context;
    await press(canvasElement, 'action.dismiss');
    await waitFor(() => expect(canvasElement.querySelector('[data-slot="banner"]')).toBeNull());
    await expect(kitOf(context).dismissStorage.items.size).toBe(0);
  },
};

const DAY_MS = 86_400_000;

/**
 * `ACTIVE` / `ACCESS_EXPIRING_SOON` with a date the host backend derived from the provider
 * (`consentExpiresAt`) and a `renewal` reader: the prompt adds "Renew by {date}".
 */
export const RenewByDate: Story = {
  ...aboutConnection(aConnection({ id: 'conn_renew_by', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON', consentExpiresAt: new Date(Date.now() + 10 * DAY_MS).toISOString() })),
  args: { connectionId: 'conn_renew_by', renewal: (connection: Connection, now: number) => getRenewal(connection, { now }) },
  play: async ({ canvasElement }) => {
    await waitForState(canvasElement, 'expiring-soon');
    await waitFor(() => expect(canvasElement.querySelector('[data-slot="banner-renew-by"]')?.textContent).toMatch(/^(Renew by|Renuévalo antes del) .+\.$/));
  },
};

/**
 * A healthy `ACTIVE` connection whose renewal (the host's policy: 90 days after its last
 * authorization) is 10 days away, with `renewalPromptDays={14}`: an informational
 * `renewal-due` prompt, without Reconnect (Meld does not repair a healthy connection).
 */
export const RenewalDue: Story = {
  ...aboutConnection(aConnection({ id: 'conn_renewal_due', status: 'ACTIVE', statusReason: null })),
  args: {
    connectionId: 'conn_renewal_due',
    renewalPromptDays: 14,
    renewal: (connection: Connection, now: number) => getRenewal(connection, { now, policy: { lastAuthorizedAt: now - 80 * DAY_MS, periodDays: 90 } }),
  },
  play: async ({ canvasElement }) => {
    const banner = await waitForState(canvasElement, 'renewal-due');
    await expect(banner).toHaveAttribute('data-severity', 'info');
    await expect(canvasElement.querySelector('[data-action="reconnect"]')).toBeNull();
    await expect(canvasElement.querySelector('[data-slot="banner-renew-by"]')).not.toBeNull();
  },
};

/** A soft prompt (access expiring soon) is snoozed for days: "Remind me later". */
export const SnoozeExpiringSoon: Story = {
  ...aboutConnection(aConnection({ id: 'conn_snooze', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON' })),
  play: async (context) => {
    const { canvasElement } = context;
    const banner = await waitForState(canvasElement, 'expiring-soon');
    await expect(banner).toHaveAttribute('data-severity', 'warning');
    await press(canvasElement, 'action.remind-later');
    await waitFor(() => expect(canvasElement.querySelector('[data-slot="banner"]')).toBeNull());
    const [until] = [...kitOf(context).dismissStorage.items.values()].map(Number);
    const days = ((until ?? 0) - Date.now()) / 86_400_000;
    await expect(days).toBeGreaterThan(2.9);
    await expect(days).toBeLessThanOrEqual(3);
  },
};

/**
 * DEGRADED / `INSTITUTION_ACTION_REQUIRED`: the bank's own words, as plain text
 * (the angle brackets stay text), then "I've done this" refreshes.
 */
export const InstitutionActionRequired: Story = {
  ...aboutConnection(
    aConnection({ id: 'conn_bank_action', status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: INSTITUTION_MESSAGE }),
  ),
  play: async (context) => {
    const { canvasElement } = context;
    const banner = await waitForState(canvasElement, 'institution-action');
    await expect(within(banner).getByText(text('prompt.institution-action'))).toBeVisible();
    const detail = within(banner).getByText(INSTITUTION_MESSAGE);
    await expect(detail).toHaveAttribute('data-slot', 'banner-detail');
    await expect(detail.children).toHaveLength(0);
    await press(canvasElement, 'action.done');
    const thanked = await waitForState(canvasElement, 'refreshed');
    await expect(within(thanked).getByText(text('prompt.refreshed'))).toBeVisible();
    await expect(kitOf(context).host.count('POST /connections/conn_bank_action/refresh')).toBe(1);
  },
};

/** `PARTIALLY_ACTIVE` / `PARTIAL_AGGREGATION_SUCCESS`: refresh first; if data is still missing, reconnect. */
export const PartialDataRefreshThenReconnect: Story = {
  ...aboutConnection(aConnection({ id: 'conn_partial', status: 'PARTIALLY_ACTIVE', statusReason: 'PARTIAL_AGGREGATION_SUCCESS' })),
  play: async (context) => {
    const { canvasElement } = context;
    await waitForState(canvasElement, 'partial-data');
    await press(canvasElement, 'action.refresh');
    const banner = await waitForState(canvasElement, 'partial-data-persists');
    await expect(within(banner).getByText(text('prompt.partial-data-persists'))).toBeVisible();
    await expect(buttonNames(banner)[0]).toBe(text('action.reconnect'));
    await expect(kitOf(context).host.count('POST /connections/conn_partial/refresh')).toBe(1);
  },
};

/** Temporary outages prompt nobody; with `showOutages` the banner informs, with no call to action. */
export const TemporaryOutageWithShowOutages: Story = {
  ...aboutConnection(aConnection({ id: 'conn_outage', status: 'DEGRADED', statusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' })),
  args: { connectionId: 'conn_outage', showOutages: true },
  play: async ({ canvasElement }) => {
    const banner = await waitForState(canvasElement, 'temporary-outage');
    await expect(banner).toHaveAttribute('data-severity', 'info');
    await expect(within(banner).getByText(text('prompt.temporary-outage'))).toBeVisible();
    await expect(buttonNames(banner)).toEqual([text('action.remind-later')]);
  },
};

/** UNRECOVERABLE without `onStartNewConnection` on the provider: the message, and no button that does nothing. */
export const WithoutStartNewConnection: Story = {
  ...aboutConnection(
    aConnection({ id: 'conn_unrecoverable', status: 'UNRECOVERABLE', statusReason: 'CONTINUED_AGGREGATION_FAILURES' }),
    {},
    { withoutStartNewConnection: true },
  ),
  play: async ({ canvasElement }) => {
    const banner = await waitForState(canvasElement, 'start-new-connection');
    await expect(buttonNames(banner)).toEqual([text('action.dismiss')]);
  },
};

// ---------------------------------------------------------------------------
// Themes, words and layout

/** Dark mode: `data-mrk-theme="dark"` on any ancestor redefines the tokens. */
export const DarkMode: Story = {
  ...aboutConnection(LOGIN),
  globals: { theme: 'dark' },
  play: async ({ canvasElement }) => {
    const banner = await waitForState(canvasElement, 'reconnect');
    await expect(banner.closest('[data-mrk-theme]')).toHaveAttribute('data-mrk-theme', 'dark');
    await expect(getComputedStyle(banner).backgroundColor).toBe(rgb('#451717'));
    await expect(getComputedStyle(banner).color).toBe(rgb('#ffd2d2'));
  },
};

/** The green "fintech" brand: only `--mrk-*` tokens (stories/themes/fintech.css). */
export const BrandFintech: Story = {
  ...aboutConnection(LOGIN),
  globals: { theme: 'fintech' },
  play: async ({ canvasElement }) => {
    await waitForState(canvasElement, 'reconnect');
    const button = within(canvasElement).getByRole('button', { name: text('action.reconnect') });
    await expect(getComputedStyle(button).backgroundColor).toBe(rgb('#0a6b47'));
  },
};

/** The dark purple "midnight" brand: only `--mrk-*` tokens (stories/themes/midnight.css), on the banner and on the widget dialog. */
export const BrandMidnight: Story = {
  ...aboutConnection(LOGIN),
  globals: { theme: 'midnight' },
  play: async ({ canvasElement }) => {
    const banner = await waitForState(canvasElement, 'reconnect');
    await expect(getComputedStyle(banner).borderRadius).toBe('4px');
    await expect(getComputedStyle(banner).backgroundColor).toBe(rgb('#4a1830'));
    // The provider's `widget.container` attaches the dialog inside the branded frame: it takes the brand too.
    await press(canvasElement, 'action.reconnect');
    const dialog = await findWidgetDialog();
    await expect(getComputedStyle(dialog).backgroundColor).toBe(rgb('#1a1530'));
    await expect(getComputedStyle(dialog).borderTopLeftRadius).toBe('6px');
    const close = within(dialog).getByRole('button', { name: text('widget.close') });
    await expect(getComputedStyle(close).color).toBe(rgb('#f1edff'));
    await userEvent.click(close);
    await waitForState(canvasElement, 'reconnect');
  },
};

/** Spanish: the provider gets `messages={es} locale="es"`; every string comes from the catalog. */
export const Spanish: Story = {
  ...aboutConnection(LOGIN),
  globals: { locale: 'es' },
  play: async (context) => {
    const { canvasElement } = context;
    const banner = await waitForState(canvasElement, 'reconnect');
    await expect(banner).toHaveAttribute('lang', 'es');
    await expect(within(banner).getByText(text('prompt.reconnect', es))).toBeVisible();
    await expect(buttonNames(banner)).toEqual([es['action.reconnect'], es['action.dismiss']]);
    await press(canvasElement, 'action.reconnect', { messages: es });
    const dialog = await findWidgetDialog();
    await expect(dialog).toHaveAttribute('aria-label', text('widget.title-with-institution', es));
    await expect(within(dialog).getByRole('button', { name: es['widget.close'] })).toBeInTheDocument();
  },
};

/** Right to left: the layout uses logical properties, so it mirrors. */
export const RightToLeft: Story = {
  ...aboutConnection(LOGIN),
  globals: { direction: 'rtl' },
  play: async ({ canvasElement }) => {
    const banner = await waitForState(canvasElement, 'reconnect');
    await expect(banner.closest('[dir]')).toHaveAttribute('dir', 'rtl');
    await expect(getComputedStyle(banner).direction).toBe('rtl');
    const icon = banner.querySelector('[data-slot="banner-icon"]')?.getBoundingClientRect();
    const message = banner.querySelector('[data-slot="banner-message"]')?.getBoundingClientRect();
    // The icon leads, which in right-to-left is on the right.
    await expect((icon?.left ?? 0) > (message?.left ?? 0)).toBe(true);
  },
};

/** A phone (320 px wide): nothing overflows, and the actions wrap under the message. */
export const NarrowViewport: Story = {
  ...aboutConnection(LOGIN),
  globals: { viewport: { value: 'mobile1', isRotated: false } },
  play: async ({ canvasElement }) => {
    const banner = await waitForState(canvasElement, 'reconnect');
    await expect(banner.scrollWidth).toBeLessThanOrEqual(banner.clientWidth);
    const body = banner.querySelector('[data-slot="banner-body"]')?.getBoundingClientRect();
    const actions = banner.querySelector('[data-slot="banner-actions"]')?.getBoundingClientRect();
    await expect((actions?.top ?? 0) >= (body?.bottom ?? 0)).toBe(true);
    // Not asserted yet: the icon should share the first line with the message. Below about
    // 340 px the message's 16rem flex basis pushes it to a line of its own (components.css).
  },
};

// ---------------------------------------------------------------------------
// Building your own

/** Compound parts in another order (dismiss first, no icon); the host's class is appended. */
export const CompoundPartsRearranged: Story = {
  ...aboutConnection(LOGIN),
  render: (args) => (
    <ReconnectBanner.Root {...args} className="story-banner">
      <ReconnectBanner.Dismiss />
      <ReconnectBanner.Message />
      <ReconnectBanner.Actions>
        <ReconnectBanner.Action id="reconnect" />
      </ReconnectBanner.Actions>
    </ReconnectBanner.Root>
  ),
  play: async (context) => {
    const { canvasElement } = context;
    const banner = await waitForState(canvasElement, 'reconnect');
    await expect(banner.className).toBe('mrk-banner story-banner');
    await expect([...banner.children].map((child) => child.getAttribute('data-slot'))).toEqual(['banner-dismiss', 'banner-body', 'banner-actions']);
    await press(canvasElement, 'action.reconnect');
    await waitFor(() => expect(kitOf(context).host.count(repairRoute(LOGIN))).toBe(1));
  },
};

/** `unstyled`: no kit classes, the data attributes stay; the host styles it (here `.acme-banner`). */
export const Unstyled: Story = {
  ...aboutConnection(LOGIN),
  args: { connectionId: LOGIN.id, unstyled: true, className: 'acme-banner' },
  play: async ({ canvasElement }) => {
    const banner = await waitForState(canvasElement, 'reconnect');
    await expect(banner.className).toBe('acme-banner');
    await expect(banner.querySelector('[class*="mrk-"]')).toBeNull();
    await expect(banner).toHaveAttribute('data-severity', 'critical');
    await expect(getComputedStyle(banner).borderInlineStartColor).toBe(rgb('#b42318'));
  },
};

function HeadlessCard({ connectionId }: { connectionId: string }) {
  const prompt = useReconnectPrompt(connectionId);
  if (!prompt.visible) return null;
  return (
    <section className="acme-card" aria-label={prompt.connection?.institutionName} {...prompt.rootProps}>
      <h3>{prompt.connection?.institutionName}</h3>
      <p>{prompt.message}</p>
      <div className="acme-card__actions">
        {prompt.actions.map((action) => (
          <button key={action.id} {...prompt.getActionProps(action)} />
        ))}
        {prompt.dismissible ? <button {...prompt.dismissProps}>{prompt.dismissLabel}</button> : null}
      </div>
    </section>
  );
}

/** `useReconnectPrompt`: the same decisions, text and actions, in the host's own markup. */
export const HeadlessHook: Story = {
  ...aboutConnection(LOGIN),
  render: (args) => <HeadlessCard connectionId={args.connectionId ?? LOGIN.id} />,
  play: async (context) => {
    const { canvasElement } = context;
    const card = await waitFor(() => {
      const element = canvasElement.querySelector<HTMLElement>('.acme-card');
      if (!element) throw new Error('no card yet');
      return element;
    });
    await expect(card).toHaveAttribute('data-state', 'reconnect');
    await expect(within(card).getByText(text('prompt.reconnect'))).toBeVisible();
    await userEvent.click(within(card).getByRole('button', { name: text('action.reconnect') }));
    await findWidgetDialog();
    await waitFor(() => expect(card).toHaveAttribute('data-state', 'widget-open'));
    await expect(within(card).getByRole('button', { name: text('action.reconnect') })).toHaveAttribute('aria-disabled', 'true');
    await expect(kitOf(context).host.count(repairRoute(LOGIN))).toBe(1);
  },
};

// ---------------------------------------------------------------------------
// One story per row of Meld's status table

const { row, coverage } = createRowStories('banner');

export const RowInProgress: Story = row('IN_PROGRESS');
export const RowExpired: Story = row('EXPIRED');
export const RowActive: Story = row('ACTIVE');
export const RowActiveAccessExpiringSoon: Story = row('ACTIVE', 'ACCESS_EXPIRING_SOON');
export const RowActiveNewAccountsAvailable: Story = row('ACTIVE', 'NEW_ACCOUNTS_AVAILABLE');
export const RowPartiallyActivePartialAggregationSuccess: Story = row('PARTIALLY_ACTIVE', 'PARTIAL_AGGREGATION_SUCCESS');
export const RowPartiallyActiveInactiveDuplicate: Story = row('PARTIALLY_ACTIVE', 'INACTIVE_DUPLICATE');
export const RowDegradedInstitutionCurrentlyUnavailable: Story = row('DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE');
export const RowDegradedInstitutionActionRequired: Story = row('DEGRADED', 'INSTITUTION_ACTION_REQUIRED');
export const RowDegradedServiceProviderCurrentlyUnavailable: Story = row('DEGRADED', 'SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE');
export const RowDegradedInteractiveRefresh: Story = row('DEGRADED', 'INTERACTIVE_REFRESH');
export const RowReconnectRequiredLoginRequired: Story = row('RECONNECT_REQUIRED', 'LOGIN_REQUIRED');
export const RowReconnectRequiredRepairingInstitution: Story = row('RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION');
export const RowReconnectRequiredTokenExpired: Story = row('RECONNECT_REQUIRED', 'TOKEN_EXPIRED');
export const RowReconnectRequiredOther: Story = row('RECONNECT_REQUIRED', 'OTHER');
export const RowUnrecoverableContinuedAggregationFailures: Story = row('UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES');
export const RowUnrecoverableInstitutionDisabled: Story = row('UNRECOVERABLE', 'INSTITUTION_DISABLED');
export const RowUnrecoverableOther: Story = row('UNRECOVERABLE', 'OTHER');
export const RowUndeterminedAggregationTimeout: Story = row('UNDETERMINED', 'AGGREGATION_TIMEOUT');
export const RowUndeterminedSubmitServiceProviderTicket: Story = row('UNDETERMINED', 'SUBMIT_SERVICE_PROVIDER_TICKET');
export const RowUndeterminedUnknownServiceProviderErrorCode: Story = row('UNDETERMINED', 'UNKNOWN_SERVICE_PROVIDER_ERROR_CODE');
export const RowUndeterminedInternalError: Story = row('UNDETERMINED', 'INTERNAL_ERROR');
export const RowDeleted: Story = row('DELETED');
/** Test only (hidden): this file has a story for every row of STATUS_TABLE. */
export const EveryRowHasAStory: Story = { ...coverage, tags: ['!dev', '!autodocs'] };
