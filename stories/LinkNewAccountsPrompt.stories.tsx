import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { LinkNewAccountsPrompt, es } from '../src/index.js';
import { aConnection, INSTITUTION } from './support/connections.js';
import { buttonNames, text } from './support/expectations.js';
import type { HostScenario } from './support/hostMock.js';
import { kit, kitOf } from './support/kit.js';
import { findWidgetDialog, press, rgb, waitForState } from './support/play.js';
import { createRowStories } from './support/rowStories.js';

const meta = {
  title: 'Components/LinkNewAccountsPrompt',
  component: LinkNewAccountsPrompt,
  parameters: {
    docs: {
      description: {
        component:
          'An optional, dismissible prompt, shown only for ACTIVE + `NEW_ACCOUNTS_AVAILABLE`. "Add new accounts" runs the same ' +
          "reconnect flow as the banner (Meld's repair session), so the customer can pick the new accounts. Same compound parts as ReconnectBanner.",
      },
    },
  },
  argTypes: {
    connectionId: { control: 'text', description: 'The connection to prompt for (read from the host).' },
    unstyled: { control: 'boolean', description: "Drop the kit's class names; data attributes stay." },
    className: { control: 'text', description: "Appended to the kit's class names." },
  },
} satisfies Meta<typeof LinkNewAccountsPrompt>;

export default meta;
type Story = StoryObj<typeof meta>;

const NEW_ACCOUNTS = aConnection({ id: 'conn_new_accounts', status: 'ACTIVE', statusReason: 'NEW_ACCOUNTS_AVAILABLE' });

function aboutNewAccounts(host: Omit<HostScenario, 'connections'> = {}) {
  return { args: { connectionId: NEW_ACCOUNTS.id }, parameters: kit({ host: { connections: [NEW_ACCOUNTS], ...host } }) };
}

/** New accounts at the bank: "Add new accounts" asks for one repair session and opens Meld's widget. */
export const NewAccountsAvailable: Story = {
  ...aboutNewAccounts(),
  play: async (context) => {
    const { canvasElement } = context;
    const prompt = await waitForState(canvasElement, 'new-accounts', { slot: 'new-accounts' });
    await expect(prompt).toHaveAttribute('role', 'status');
    await expect(prompt).toHaveAttribute('data-severity', 'info');
    await expect(within(prompt).getByText(text('prompt.new-accounts'))).toBeVisible();
    await expect(buttonNames(prompt)).toEqual([text('action.add-new-accounts'), text('action.remind-later')]);
    await press(canvasElement, 'action.add-new-accounts', { slot: 'new-accounts' });
    const dialog = await findWidgetDialog();
    await expect(dialog).toHaveAttribute('aria-label', `Reconnect ${INSTITUTION}`);
    await waitForState(canvasElement, 'widget-open', { slot: 'new-accounts' });
    await expect(kitOf(context).host.count(`POST /connections/${NEW_ACCOUNTS.id}/repair`)).toBe(1);
  },
};

/** The customer picks the new accounts; the connection is plain ACTIVE again. */
export const AccountsAdded: Story = {
  ...aboutNewAccounts({ widget: 'complete', outcome: 'fixed' }),
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'action.add-new-accounts', { slot: 'new-accounts' });
    const prompt = await waitForState(canvasElement, 'verified', { slot: 'new-accounts' });
    await expect(within(prompt).getByText(text('prompt.verified'))).toBeVisible();
  },
};

/** "Remind me later" snoozes it for days (in the provider's `dismissStorage`). */
export const RemindMeLater: Story = {
  ...aboutNewAccounts(),
  play: async (context) => {
    const { canvasElement } = context;
    await press(canvasElement, 'action.remind-later', { slot: 'new-accounts' });
    await waitFor(() => expect(canvasElement.querySelector('[data-slot="new-accounts"]')).toBeNull());
    await expect(kitOf(context).dismissStorage.items.size).toBe(1);
  },
};

/** Dark mode. */
export const DarkMode: Story = {
  ...aboutNewAccounts(),
  globals: { theme: 'dark' },
  play: async ({ canvasElement }) => {
    const prompt = await waitForState(canvasElement, 'new-accounts', { slot: 'new-accounts' });
    await expect(getComputedStyle(prompt).backgroundColor).toBe(rgb('#142544'));
  },
};

/** Spanish. */
export const Spanish: Story = {
  ...aboutNewAccounts(),
  globals: { locale: 'es' },
  play: async ({ canvasElement }) => {
    const prompt = await waitForState(canvasElement, 'new-accounts', { slot: 'new-accounts' });
    await expect(within(prompt).getByText(text('prompt.new-accounts', es))).toBeVisible();
    await expect(buttonNames(prompt)).toEqual([es['action.add-new-accounts'], es['action.remind-later']]);
  },
};

/** Right to left, in the midnight brand. */
export const RightToLeftMidnight: Story = {
  ...aboutNewAccounts(),
  globals: { direction: 'rtl', theme: 'midnight' },
  play: async ({ canvasElement }) => {
    const prompt = await waitForState(canvasElement, 'new-accounts', { slot: 'new-accounts' });
    await expect(getComputedStyle(prompt).direction).toBe('rtl');
  },
};

// ---------------------------------------------------------------------------
// One story per row of Meld's status table (it shows only for NEW_ACCOUNTS_AVAILABLE)

const { row, coverage } = createRowStories('new-accounts');

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
