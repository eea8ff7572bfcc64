import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { ComponentVariablesTable, TokensTable } from './docs/TokensTable.js';
import { parseComponentVariables, parseTokens } from './docs/themeCss.js';

const meta = {
  title: 'Reference/Theming',
  component: TokensTable,
  parameters: { layout: 'padded' },
} satisfies Meta<typeof TokensTable>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The tokens of src/theme/tokens.css, light and dark. Every token must say what it is for. */
export const Tokens: Story = {
  play: async ({ canvasElement }) => {
    const tokens = parseTokens();
    await expect(tokens.length).toBeGreaterThan(20);
    const table = within(canvasElement).getByRole('table', { name: /Design tokens/ });
    await expect(table.querySelectorAll('tbody tr')).toHaveLength(tokens.length);
    await expect(within(table).queryByText('Not documented yet.')).toBeNull();
    const surface = table.querySelector('[data-token="--mrk-critical-surface"]');
    await expect(surface).toHaveTextContent('#fde8e8');
    await expect(surface).toHaveTextContent('#451717');
  },
};

/** The per-component variables of src/theme/components.css and what they fall back to. */
export const ComponentVariables: Story = {
  render: () => <ComponentVariablesTable />,
  play: async ({ canvasElement }) => {
    const variables = parseComponentVariables();
    const table = within(canvasElement).getByRole('table', { name: /Per-component variables/ });
    await expect(table.querySelectorAll('tbody tr')).toHaveLength(variables.length);
    await expect(table.querySelector('[data-variable="--mrk-banner-bg"]')).toHaveTextContent('var(--mrk-info-surface)');
    await expect(variables.every((variable) => variable.fallback.includes('--mrk-') || /\d/.test(variable.fallback))).toBe(true);
  },
};
