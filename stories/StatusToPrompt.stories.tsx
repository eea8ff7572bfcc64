import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { STATUS_TABLE } from '../src/index.js';
import { StatusToPromptTable } from './docs/StatusToPromptTable.js';

const meta = {
  title: 'Reference/Status to prompt',
  component: StatusToPromptTable,
  parameters: { layout: 'padded' },
} satisfies Meta<typeof StatusToPromptTable>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Every row of Meld's table and what the three components show for it, rendered by the kit. */
export const EveryRow: Story = {
  play: async ({ canvasElement }) => {
    const table = within(canvasElement).getByRole('table', { name: /What each status shows/ });
    const rows = [...table.querySelectorAll<HTMLElement>('tbody tr')];
    await expect(rows).toHaveLength(STATUS_TABLE.length);
    const byLabel = (label: string) => rows.find((row) => row.dataset.row === label) as HTMLElement;

    const login = byLabel('RECONNECT_REQUIRED / LOGIN_REQUIRED');
    await expect(login.dataset.banner).toBe('reconnect');
    await expect(login).toHaveTextContent('Buttons: “Reconnect”, “Dismiss”');
    await expect(login.querySelector('[data-slot="status-badge"]')).toHaveTextContent('First Test Bank: Needs reconnect');

    const outage = byLabel('DEGRADED / INSTITUTION_CURRENTLY_UNAVAILABLE');
    await expect(outage.dataset.banner).toBe('hidden');
    await expect(outage).toHaveTextContent('Nothing by default. With showOutages:');

    await expect(rows.filter((row) => row.dataset.newAccounts !== 'hidden').map((row) => row.dataset.row)).toEqual([
      'ACTIVE / NEW_ACCOUNTS_AVAILABLE',
    ]);
    await expect(byLabel('UNRECOVERABLE / INSTITUTION_DISABLED')).toHaveTextContent('“Connect another bank”');
  },
};
