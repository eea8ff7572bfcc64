import { QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  ConnectionStatusBadge,
  HostApiError,
  ReconnectKitProvider,
  STATUS_TABLE,
  getStatusDecision,
  useReconnectPrompt,
  type Connection,
  type HostApi,
  type Severity,
  type StatusTableRow,
  type UseReconnectPromptResult,
} from '../../src/index.js';
import { connectionForRow, rowLabel } from '../support/connections.js';
import './statusTableView.css';
import './referenceTables.css';

const SEVERITY_LABEL: Record<Severity, string> = { none: 'None', info: 'Info', warning: 'Warning', critical: 'Critical' };

/** The table renders prompts for connections it already has; it never calls a host. */
const NO_HOST: HostApi = {
  listConnections: () => Promise.reject(new HostApiError({ kind: 'not-found', message: 'The docs table has no host.' })),
  getConnection: () => Promise.reject(new HostApiError({ kind: 'not-found', message: 'The docs table has no host.' })),
  repairConnection: () => Promise.reject(new HostApiError({ kind: 'not-found', message: 'The docs table has no host.' })),
  refreshConnection: () => Promise.reject(new HostApiError({ kind: 'not-found', message: 'The docs table has no host.' })),
  updateConnectionProducts: () => Promise.reject(new HostApiError({ kind: 'not-found', message: 'The docs table has no host.' })),
  deleteConnection: () => Promise.reject(new HostApiError({ kind: 'not-found', message: 'The docs table has no host.' })),
};

function Severity({ severity }: { severity: Severity }) {
  return (
    <span className="mrk-docs-severity" data-severity={severity}>
      {SEVERITY_LABEL[severity]}
    </span>
  );
}

/** What one prompt shows, as the hook reports it: state, severity, message, buttons. */
function PromptSummary({ prompt }: { prompt: UseReconnectPromptResult }) {
  return (
    <div data-prompt-state={prompt.state}>
      <p>
        <Severity severity={prompt.severity} /> <code>{prompt.state}</code>
      </p>
      <p>{prompt.message}</p>
      {prompt.detail ? <p className="mrk-docs-muted">Then the bank's own message, as text.</p> : null}
      <p>
        <span className="mrk-docs-label">Buttons:</span>{' '}
        {[...prompt.actions.map((action) => action.label), ...(prompt.dismissible ? [prompt.dismissLabel] : [])]
          .map((label) => `“${label}”`)
          .join(', ') || 'none'}
      </p>
    </div>
  );
}

function Nothing({ children }: { children?: string }) {
  return <span className="mrk-docs-muted">{children ?? 'Nothing'}</span>;
}

function RowProbe({ row, connection }: { row: StatusTableRow; connection: Connection }) {
  const banner = useReconnectPrompt(connection);
  const withOutages = useReconnectPrompt(connection, { showOutages: true });
  const newAccounts = useReconnectPrompt(connection, { variant: 'new-accounts' });
  const decision = getStatusDecision(row.status, row.reason);
  return (
    <tr data-row={rowLabel(row)} data-banner={banner.state} data-new-accounts={newAccounts.state}>
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
        {banner.visible ? (
          <PromptSummary prompt={banner} />
        ) : withOutages.visible ? (
          <>
            <Nothing>Nothing by default. With showOutages:</Nothing>
            <PromptSummary prompt={withOutages} />
          </>
        ) : (
          <Nothing />
        )}
      </td>
      <td>{newAccounts.visible ? <PromptSummary prompt={newAccounts} /> : <Nothing />}</td>
      <td>
        <p>
          <ConnectionStatusBadge connection={connection} />
        </p>
        <p>
          <Severity severity={decision.severity} /> <code>{decision.prompt}</code>
        </p>
      </td>
    </tr>
  );
}

/**
 * For every row of STATUS_TABLE, what ReconnectBanner, LinkNewAccountsPrompt
 * and ConnectionStatusBadge show in English: rendered with the real hook and
 * badge, so it is always what the kit does.
 */
export function StatusToPromptTable() {
  const [queryClient] = useState(() => new QueryClient());
  const [rows] = useState(() => STATUS_TABLE.map((row) => ({ row, connection: connectionForRow(row, 'docs') })));
  return (
    <ReconnectKitProvider
      hostApi={NO_HOST}
      queryClient={queryClient}
      broadcastChannel={false}
      dismissStorage={null}
      // Given, so that the prompts that need a new connection show their button.
      onStartNewConnection={() => {}}
    >
      <table className="mrk-docs-table">
        <caption>What each status shows: {rows.length} rows, rendered by the kit</caption>
        <thead>
          <tr>
            <th scope="col">Meld status / reason</th>
            <th scope="col">ReconnectBanner</th>
            <th scope="col">LinkNewAccountsPrompt</th>
            <th scope="col">ConnectionStatusBadge</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ row, connection }) => (
            <RowProbe key={connection.id} row={row} connection={connection} />
          ))}
        </tbody>
      </table>
    </ReconnectKitProvider>
  );
}
