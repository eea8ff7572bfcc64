// One story per row of Meld's status table, for each component. CSF needs
// every story as a named export, so each stories file lists the 23 rows
// explicitly (`export const RowLoginRequired = row('RECONNECT_REQUIRED', 'LOGIN_REQUIRED')`);
// the factory builds them from STATUS_TABLE and a hidden test checks that no
// row is missing.
import type { StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, waitFor } from 'storybook/test';
import { STATUS_TABLE, useConnection, type ConnectionStatus, type StatusReason, type StatusTableRow } from '../../src/index.js';
import { connectionForRow, rowLabel } from './connections.js';
import { expectBadgeForRow, expectPromptForRow } from './expectations.js';
import { kit } from './kit.js';

export type RowComponent = 'banner' | 'new-accounts' | 'badge';

/**
 * Names the row above the component and marks when the host has answered,
 * so a story can tell "renders nothing" from "not loaded yet".
 */
function RowCaption({ row, connectionId, children }: { row: StatusTableRow; connectionId: string; children: ReactNode }) {
  const { isSuccess } = useConnection(connectionId);
  return (
    <>
      <p className="sb-row-caption" data-row-loaded={isSuccess}>
        Meld status <code>{row.status}</code>
        {row.reason ? (
          <>
            {' '}
            with reason <code>{row.reason}</code>
          </>
        ) : null}
      </p>
      {children}
    </>
  );
}

/** Waits until the row's connection has come back from the host. */
export async function rowLoaded(canvasElement: HTMLElement): Promise<void> {
  await waitFor(() => expect(canvasElement.querySelector('[data-row-loaded="true"]')).not.toBeNull());
}

/** Meld's prose names webhooks and statuses (`BANK_LINKING_ACCOUNTS_UPDATED`): code, not emphasis. */
function asMarkdown(prose: string): string {
  return prose.replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, (name) => `\`${name}\``);
}

function findRow(status: ConnectionStatus, reason: StatusReason | null): StatusTableRow {
  const row = STATUS_TABLE.find((r) => r.status === status && r.reason === reason);
  if (!row) throw new Error(`STATUS_TABLE has no row ${status} / ${reason}.`);
  return row;
}

type RowArgs = { connectionId?: string | undefined };

/**
 * The row stories of one component: `row(status, reason)` makes a story that
 * reads the row's connection from the story's host backend and checks what
 * the component shows; `coverage` is a test-only story that fails when a row
 * has no story.
 */
export function createRowStories(component: RowComponent) {
  const covered = new Set<string>();

  function row(status: ConnectionStatus, reason: StatusReason | null = null) {
    const tableRow = findRow(status, reason);
    covered.add(rowLabel(tableRow));
    const connection = connectionForRow(tableRow);
    return {
      args: { connectionId: connection.id },
      parameters: {
        ...kit({ host: { connections: [connection] } }),
        docs: { description: { story: asMarkdown(`${tableRow.description} Meld recommends: ${tableRow.recommendedAction}`) } },
      },
      decorators: [
        (Story) => (
          <RowCaption row={tableRow} connectionId={connection.id}>
            <Story />
          </RowCaption>
        ),
      ],
      play: async ({ canvasElement }) => {
        await rowLoaded(canvasElement);
        if (component === 'badge') await expectBadgeForRow(canvasElement, tableRow);
        else await expectPromptForRow(canvasElement, component, tableRow);
      },
    } satisfies StoryObj<RowArgs>;
  }

  // Test-only: give the export `tags: ['!dev', '!autodocs']` (Storybook reads tags from the file, not from here).
  const coverage = {
    render: () => <p>Checks that this file has a story for every row of STATUS_TABLE.</p>,
    play: async () => {
      await expect([...covered].sort()).toEqual(STATUS_TABLE.map(rowLabel).sort());
    },
  } satisfies StoryObj<RowArgs>;

  return { row, coverage };
}
