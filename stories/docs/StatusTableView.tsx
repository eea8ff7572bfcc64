import { STATUS_TABLE, getStatusDecision, type PromptKind, type Severity } from '../../src/core/index.js';
import './statusTableView.css';

/** What each prompt kind looks like to a customer, in words for product people. */
const WHAT_THE_KIT_SHOWS: Record<PromptKind, string> = {
  none: 'Nothing. The connection is healthy, or only your backend has work to do.',
  reconnect: 'A reconnect banner. The customer signs in to their bank again, straight at its login (no bank picker).',
  'expiring-soon': 'A softer reconnect prompt that the customer may dismiss for a while.',
  'new-accounts': 'An optional "link new accounts" prompt that the customer may dismiss.',
  'partial-data': 'A refresh first; if data is still missing, a reconnect.',
  'institution-action': 'The bank\'s own message, shown as plain text, and an "I\'ve done this" button that refreshes.',
  'institution-repairing': 'A note that the bank\'s connection is being repaired, with "try again later". Nobody is blamed.',
  'temporary-outage': 'No call to action. At most an informational line, if the host turns it on.',
  'refresh-on-demand': 'A refresh button. The kit refreshes only when the customer presses it.',
  'in-progress': 'Nothing: the customer is still in the bank widget.',
  'start-new-connection': 'No repair. A button that asks the host to start a new connection.',
  'choose-another-institution': 'No repair. A suggestion to link a different bank.',
  unknown: 'An informational line and no action.',
};

const SEVERITY_LABEL: Record<Severity, string> = {
  none: 'None',
  info: 'Info',
  warning: 'Warning',
  critical: 'Critical',
};

export interface StatusTableViewProps {
  /** `all` rows, or only those where nothing improves until the customer acts. */
  filter?: 'all' | 'customer-must-act';
}

/**
 * Meld's status table as the kit reads it: what each row means, what Meld
 * publishes, and what the kit will show. Rendered from `STATUS_TABLE`.
 */
export function StatusTableView({ filter = 'all' }: StatusTableViewProps) {
  const rows = STATUS_TABLE.map((row) => ({ row, decision: getStatusDecision(row.status, row.reason) })).filter(
    ({ decision }) => filter === 'all' || decision.customerMustAct,
  );
  return (
    <table className="mrk-docs-table">
      <caption>
        {filter === 'all'
          ? `Meld connection statuses: ${rows.length} rows`
          : `Statuses where the customer must act: ${rows.length} rows`}
      </caption>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Reason</th>
          <th scope="col">What it means</th>
          <th scope="col">Meld publishes</th>
          <th scope="col">What the kit shows</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ row, decision }) => (
          <tr key={`${row.status}:${row.reason}`} data-status={row.status} data-prompt={decision.prompt}>
            <th scope="row">
              <code>{row.status}</code>
            </th>
            <td>{row.reason ? <code>{row.reason}</code> : <span className="mrk-docs-muted">none</span>}</td>
            <td>{row.description}</td>
            <td>
              <span className="mrk-docs-flag">Refresh: {row.canRefresh ? 'yes' : 'no'}</span>
              <span className="mrk-docs-flag">Reconnect: {row.canReconnect ? 'yes' : 'no'}</span>
            </td>
            <td>
              <span className="mrk-docs-severity" data-severity={decision.severity}>
                {SEVERITY_LABEL[decision.severity]}
              </span>{' '}
              <code>{decision.prompt}</code>
              <p>{WHAT_THE_KIT_SHOWS[decision.prompt]}</p>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
