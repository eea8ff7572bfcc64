import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import {
  ConnectionStatusBadge,
  LinkNewAccountsPrompt,
  ReconnectBanner,
  STATUS_TABLE,
  defaultMessages,
  es,
  type Connection,
  type Messages,
} from '../src/index.js';
import { aConnection, connectionForRow, INSTITUTION_MESSAGE, rowLabel } from './support/connections.js';
import { expectBadgeForRow, expectPromptForRow, text } from './support/expectations.js';
import type { ConnectionScript } from './support/hostMock.js';
import { kit } from './support/kit.js';
import { press, waitForState } from './support/play.js';

const GRID_ROWS = STATUS_TABLE.map((row) => ({ row, connection: connectionForRow(row, 'grid') }));

/** Every row of Meld's status table, with what each component shows for it. */
function EveryStatusRow() {
  return (
    <table className="sb-all-states">
      <caption>Every status row, every component ({GRID_ROWS.length} rows)</caption>
      <thead>
        <tr>
          <th scope="col">Meld status / reason</th>
          <th scope="col">ConnectionStatusBadge</th>
          <th scope="col">ReconnectBanner</th>
          <th scope="col">LinkNewAccountsPrompt</th>
        </tr>
      </thead>
      <tbody>
        {GRID_ROWS.map(({ row, connection }) => (
          <tr key={connection.id} data-row={rowLabel(row)}>
            <th scope="row">
              <code>{row.status}</code>
              {row.reason ? (
                <>
                  {' '}
                  <code>{row.reason}</code>
                </>
              ) : null}
            </th>
            <td>
              <ConnectionStatusBadge connection={connection} />
            </td>
            <td>
              <ReconnectBanner connection={connection} />
            </td>
            <td>
              <LinkNewAccountsPrompt connection={connection} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface FlowCell {
  state: string;
  label: string;
  connection: Connection;
  script: ConnectionScript;
}

const broken = (id: string) => aConnection({ id, status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
const bankAction = (id: string) =>
  aConnection({ id, status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: INSTITUTION_MESSAGE });

/** The flow states that stay on screen, each on its own connection with its own scripted backend. */
const FLOW_CELLS: FlowCell[] = [
  { state: 'requesting', label: 'Requesting a repair session (the host has not answered)', connection: broken('flow_requesting'), script: { repair: 'hang' } },
  { state: 'verifying', label: 'Verifying (signed in; no webhook yet)', connection: broken('flow_verifying'), script: { widget: 'complete', outcome: 'unchanged' } },
  { state: 'still-broken', label: 'Still broken after signing in', connection: broken('flow_still_broken'), script: { widget: 'complete', outcome: 'still-broken' } },
  { state: 'failed', label: "Failed: Meld's widget reported an error", connection: broken('flow_widget_error'), script: { widget: 'error' } },
  { state: 'failed', label: 'Failed: 404, unknown connection', connection: broken('flow_not_found'), script: { repair: 404 } },
  { state: 'start-new-connection', label: '409: cannot be repaired, start a new connection', connection: broken('flow_conflict'), script: { repair: 409 } },
  { state: 'failed', label: 'Failed: 429, too many attempts', connection: broken('flow_rate_limited'), script: { repair: 429 } },
  { state: 'failed', label: 'Failed: 500, the host failed', connection: broken('flow_server_error'), script: { repair: 500 } },
  { state: 'failed', label: 'Failed: unsafe widget URL', connection: broken('flow_unsafe_url'), script: { repair: 'unsafe-widget-url' } },
  { state: 'refreshing', label: 'Refreshing (after "I\'ve done this")', connection: bankAction('flow_refreshing'), script: { refresh: 'hang' } },
  { state: 'refreshed', label: 'Refreshed', connection: bankAction('flow_refreshed'), script: {} },
  {
    state: 'partial-data-persists',
    label: 'Partial data after a refresh',
    connection: aConnection({ id: 'flow_partial', status: 'PARTIALLY_ACTIVE', statusReason: 'PARTIAL_AGGREGATION_SUCCESS' }),
    script: {},
  },
];

function FlowStates() {
  return (
    <>
      <table className="sb-all-states">
        <caption>Reconnect and refresh flow states</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">ReconnectBanner</th>
          </tr>
        </thead>
        <tbody>
          {FLOW_CELLS.map((cell) => (
            <tr key={cell.connection.id} data-flow={cell.connection.id}>
              <th scope="row">{cell.label}</th>
              <td>
                <ReconnectBanner connectionId={cell.connection.id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="sb-note">
        Not on this canvas: the widget being open (a modal dialog over the page) and verified (shown for a few seconds, then
        the prompt goes away). See Components / ReconnectBanner / Flow Widget Open and Flow Verified.
      </p>
    </>
  );
}

const meta = {
  title: 'Components/All states',
  component: EveryStatusRow,
  // Canvases for review and for the contrast checks; too heavy for the docs page.
  tags: ['!autodocs'],
  parameters: kit({ host: { connections: GRID_ROWS.map(({ connection }) => connection) } }),
} satisfies Meta<typeof EveryStatusRow>;

export default meta;
type Story = StoryObj<typeof meta>;

function rowElement(canvasElement: HTMLElement, label: string): HTMLElement {
  const element = canvasElement.querySelector<HTMLElement>(`tr[data-row="${label}"]`);
  if (!element) throw new Error(`no grid row ${label}`);
  return element;
}

async function expectEveryRow(canvasElement: HTMLElement, messages: Messages = defaultMessages) {
  await expect(within(canvasElement).getAllByRole('row')).toHaveLength(GRID_ROWS.length + 1);
  for (const { row } of GRID_ROWS) {
    const element = rowElement(canvasElement, rowLabel(row));
    await expectBadgeForRow(element, row, messages);
    await expectPromptForRow(element, 'banner', row, messages);
    await expectPromptForRow(element, 'new-accounts', row, messages);
  }
}

/** Light theme. Each row is checked against what the component should show. */
export const EveryStatusRowLight: Story = {
  play: async ({ canvasElement }) => expectEveryRow(canvasElement),
};

/** Dark theme (axe checks the contrast of every state). */
export const EveryStatusRowDark: Story = {
  globals: { theme: 'dark' },
  play: async ({ canvasElement }) => expectEveryRow(canvasElement),
};

/** The fintech brand. */
export const EveryStatusRowFintech: Story = {
  globals: { theme: 'fintech' },
  play: async ({ canvasElement }) => expectEveryRow(canvasElement),
};

/** The midnight brand. */
export const EveryStatusRowMidnight: Story = {
  globals: { theme: 'midnight' },
  play: async ({ canvasElement }) => expectEveryRow(canvasElement),
};

/** Spanish, right to left. */
export const EveryStatusRowSpanishRightToLeft: Story = {
  globals: { locale: 'es', direction: 'rtl' },
  play: async ({ canvasElement }) => expectEveryRow(canvasElement, es),
};

/** Drives every flow that stays on screen into its state, one after another. */
async function playFlows(canvasElement: HTMLElement) {
  const cell = (id: string) => canvasElement.querySelector<HTMLElement>(`tr[data-flow="${id}"]`) as HTMLElement;
  const start = async (id: string, key: Parameters<typeof press>[1]) => {
    await waitForState(cell(id), id === 'flow_partial' ? 'partial-data' : id.startsWith('flow_refresh') ? 'institution-action' : 'reconnect');
    await press(cell(id), key);
  };
  // Flows that open no widget can run side by side.
  for (const id of ['flow_requesting', 'flow_not_found', 'flow_conflict', 'flow_rate_limited', 'flow_server_error', 'flow_unsafe_url']) {
    await start(id, 'action.reconnect');
  }
  await start('flow_refreshing', 'action.done');
  await start('flow_refreshed', 'action.done');
  await start('flow_partial', 'action.refresh');
  // One widget per page: the widget flows go one after another.
  await start('flow_widget_error', 'action.reconnect');
  await waitForState(cell('flow_widget_error'), 'failed');
  await start('flow_still_broken', 'action.reconnect');
  await waitForState(cell('flow_still_broken'), 'verifying');
  await start('flow_verifying', 'action.reconnect');
  for (const { connection, state } of FLOW_CELLS) {
    await waitForState(cell(connection.id), state, { timeout: 6_000 });
  }
  const failures = ['flow_widget_error', 'flow_not_found', 'flow_rate_limited', 'flow_server_error', 'flow_unsafe_url'];
  const errors = ['error.widget-error', 'error.not-found', 'error.rate-limited', 'error.unavailable', 'error.unsafe-widget-url'] as const;
  for (const [index, id] of failures.entries()) {
    await expect(within(cell(id)).getByText(text(errors[index] ?? 'error.unavailable'))).toBeVisible();
  }
}

const flowParameters = kit({
  host: {
    connections: FLOW_CELLS.map((cell) => cell.connection),
    perConnection: Object.fromEntries(FLOW_CELLS.map((cell) => [cell.connection.id, cell.script])),
  },
  timeoutMs: 10 * 60_000,
});

/** The reconnect and refresh flow states, side by side (the play function drives them). */
export const FlowStatesLight: Story = {
  render: () => <FlowStates />,
  parameters: flowParameters,
  play: async ({ canvasElement }) => playFlows(canvasElement),
};

/** The flow states in the dark theme. */
export const FlowStatesDark: Story = {
  render: () => <FlowStates />,
  parameters: flowParameters,
  globals: { theme: 'dark' },
  play: async ({ canvasElement }) => playFlows(canvasElement),
};
