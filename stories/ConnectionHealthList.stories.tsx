import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ConnectionHealthList, es, type Connection } from '../src/index.js';
import { aConnection } from './support/connections.js';
import { text } from './support/expectations.js';
import { kit, kitOf } from './support/kit.js';

const meta = {
  title: 'Components/ConnectionHealthList',
  component: ConnectionHealthList,
  parameters: {
    docs: {
      description: {
        component:
          "Every connection of the customer that needs attention, most urgent first (the customer must act, then severity), each with " +
          'its badge and prompt, and "Fix them one after another", which runs the reconnect flow for each reconnectable connection in turn. ' +
          'It reads `GET /connections` from the host.',
      },
    },
  },
  argTypes: {
    showOutages: { control: 'boolean', description: 'Show temporary outages as informational items.' },
    unstyled: { control: 'boolean', description: "Drop the kit's class names; data attributes stay." },
  },
} satisfies Meta<typeof ConnectionHealthList>;

export default meta;
type Story = StoryObj<typeof meta>;

const connection = (id: string, institutionName: string, status: string, statusReason: string | null = null): Connection =>
  aConnection({ id, institutionName, status, statusReason });

const EXPIRING = connection('conn_expiring', 'Harbor Credit Union', 'ACTIVE', 'ACCESS_EXPIRING_SOON');
const HEALTHY = connection('conn_healthy', 'Maple Savings', 'ACTIVE');
const BANK_ACTION = connection('conn_bank_action', 'Northwind Bank', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED');
const OUTAGE = connection('conn_outage', 'Pinecrest Bank', 'DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE');
const LOGIN = connection('conn_login', 'First Test Bank', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED');
const NEW_ACCOUNTS = connection('conn_new_accounts', 'Lakeside Bank', 'ACTIVE', 'NEW_ACCOUNTS_AVAILABLE');
const REPAIRING = connection('conn_repairing', 'Summit Trust', 'RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION');
const DISABLED = connection('conn_disabled', 'Old Mill Bank', 'UNRECOVERABLE', 'INSTITUTION_DISABLED');

/** The customer's connections, in the order the host sends them (not by urgency). */
const MIXED = [EXPIRING, HEALTHY, BANK_ACTION, OUTAGE, LOGIN, NEW_ACCOUNTS, REPAIRING, DISABLED];

/** The institutions of the list's items, in order, read from their badges' accessible text. */
function listedInstitutions(list: HTMLElement): string[] {
  return within(list)
    .getAllByRole('listitem')
    .map((item) => item.querySelector('[data-slot="status-badge"]')?.textContent?.split(':')[0] ?? '');
}

async function findList(canvasElement: HTMLElement): Promise<HTMLElement> {
  const canvas = within(canvasElement);
  await canvas.findByRole('heading', { name: text('list.title') });
  return canvas.getByRole('list');
}

/**
 * Mixed connections: the ones that need the customer come first, most severe
 * first; healthy, new-accounts and outage connections are left out; two can
 * be reconnected, so the queue button shows.
 */
export const MostUrgentFirst: Story = {
  parameters: kit({ host: { connections: MIXED } }),
  play: async (context) => {
    const list = await findList(context.canvasElement);
    await expect(listedInstitutions(list)).toEqual(['First Test Bank', 'Old Mill Bank', 'Northwind Bank', 'Harbor Credit Union', 'Summit Trust']);
    const severities = [...list.querySelectorAll('[data-slot="status-badge"]')].map((badge) => badge.getAttribute('data-severity'));
    await expect(severities).toEqual(['critical', 'critical', 'warning', 'warning', 'warning']);
    await expect(within(context.canvasElement).getByRole('button', { name: text('list.fix-all') })).toBeVisible();
    await expect(kitOf(context).host.count('GET /connections')).toBe(1);
  },
};

/** "Fix them one after another": one reconnect flow per connection, in order (the stand-in signs in by itself). */
export const FixThemOneAfterAnother: Story = {
  parameters: kit({ host: { connections: [LOGIN, EXPIRING, HEALTHY], widget: 'complete', outcome: 'fixed' } }),
  play: async (context) => {
    const canvas = within(context.canvasElement);
    const { host } = kitOf(context);
    await userEvent.click(await canvas.findByRole('button', { name: text('list.fix-all') }));
    await canvas.findByText(text('list.progress', undefined, { current: 1, total: 2 }));
    await canvas.findByText(text('list.progress', undefined, { current: 2, total: 2 }), undefined, { timeout: 5_000 });
    await waitFor(() => expect(host.count(`POST /connections/${EXPIRING.id}/repair`)).toBe(1), { timeout: 5_000 });
    await expect(host.count(`POST /connections/${LOGIN.id}/repair`)).toBe(1);
    // Both verified: the queue ends.
    await waitFor(() => expect(canvas.queryByRole('button', { name: text('list.stop') })).toBeNull(), { timeout: 5_000 });
  },
};

/** Nothing needs attention. */
export const AllHealthy: Story = {
  parameters: kit({ host: { connections: [HEALTHY, NEW_ACCOUNTS, OUTAGE] } }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText(text('list.empty'))).toBeVisible();
    await expect(canvas.queryByRole('list')).toBeNull();
  },
};

/** `showOutages`: temporary outages join the list as informational items, last. */
export const WithOutages: Story = {
  args: { showOutages: true },
  parameters: kit({ host: { connections: [OUTAGE, LOGIN] } }),
  play: async ({ canvasElement }) => {
    const list = await findList(canvasElement);
    await expect(listedInstitutions(list)).toEqual(['First Test Bank', 'Pinecrest Bank']);
    await waitFor(() => expect(list.querySelector('[data-state="temporary-outage"]')).not.toBeNull());
  },
};

/** Dark mode. */
export const DarkMode: Story = {
  parameters: kit({ host: { connections: MIXED } }),
  globals: { theme: 'dark' },
  play: async ({ canvasElement }) => {
    const list = await findList(canvasElement);
    await expect(list.closest('[data-mrk-theme]')).toHaveAttribute('data-mrk-theme', 'dark');
  },
};

/** Spanish. */
export const Spanish: Story = {
  parameters: kit({ host: { connections: MIXED } }),
  globals: { locale: 'es' },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const heading = await canvas.findByRole('heading', { name: es['list.title'] });
    await expect(heading.closest('section')).toHaveAttribute('lang', 'es');
    await expect(canvas.getByRole('button', { name: es['list.fix-all'] })).toBeVisible();
  },
};

/** A phone, in the fintech brand, right to left: nothing is wider than the screen. */
export const NarrowRightToLeftFintech: Story = {
  parameters: kit({ host: { connections: MIXED } }),
  globals: { viewport: { value: 'mobile1', isRotated: false }, direction: 'rtl', theme: 'fintech' },
  play: async ({ canvasElement }) => {
    const list = await findList(canvasElement);
    const section = list.closest('section') as HTMLElement;
    await waitFor(() => expect(list.querySelectorAll('[data-slot="banner"]')).toHaveLength(5));
    await expect(section.scrollWidth).toBeLessThanOrEqual(section.clientWidth);
    await expect(getComputedStyle(section).direction).toBe('rtl');
  },
};
