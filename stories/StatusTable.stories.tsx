import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { StatusTableView } from './docs/StatusTableView.js';

const meta = {
  title: 'Reference/Status table',
  component: StatusTableView,
  parameters: { layout: 'padded' },
} satisfies Meta<typeof StatusTableView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Every row of Meld's table, and what the kit decides for it. */
export const AllRows: Story = {
  args: { filter: 'all' },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const table = canvas.getByRole('table', { name: /Meld connection statuses: 23 rows/ });
    const bodyRows = within(table).getAllByRole('row').slice(1);
    await expect(bodyRows).toHaveLength(23);
    await expect(new Set(bodyRows.map((row) => row.dataset.status)).size).toBe(9);

    const login = bodyRows.find((row) => row.textContent?.includes('LOGIN_REQUIRED'));
    await expect(login?.dataset.prompt).toBe('reconnect');
    // Meld publishes "refresh: yes" for RECONNECT_REQUIRED; the table shows it as published.
    await expect(login).toHaveTextContent('Refresh: yes');

    const outage = bodyRows.find((row) => row.textContent?.includes('INSTITUTION_CURRENTLY_UNAVAILABLE'));
    await expect(outage).toHaveTextContent('No call to action');
  },
};

/** Only the rows where nothing improves until the customer acts. */
export const CustomerMustAct: Story = {
  args: { filter: 'customer-must-act' },
  play: async ({ canvasElement }) => {
    const table = within(canvasElement).getByRole('table');
    const statuses = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => `${row.dataset.status}`);
    await expect(statuses).toEqual([
      'DEGRADED',
      'RECONNECT_REQUIRED',
      'RECONNECT_REQUIRED',
      'RECONNECT_REQUIRED',
      'UNRECOVERABLE',
      'UNRECOVERABLE',
      'UNRECOVERABLE',
    ]);
  },
};
