import { ConnectionStatusBadge, LinkNewAccountsPrompt, ReconnectBanner, getStatusDecision, type Connection } from 'meld-reconnect-kit';
import { accountsOf, formatMoney } from './accounts.js';

/** Prompts whose connection stopped updating (or partly): its balances are as old as its last update. */
const STALE_PROMPTS = new Set([
  'reconnect',
  'partial-data',
  'institution-action',
  'institution-repairing',
  'temporary-outage',
  'start-new-connection',
  'choose-another-institution',
  'unknown',
]);

const date = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((word) => /^[A-Z]/.test(word))
    .slice(0, 2)
    .map((word) => word[0])
    .join('');
}

/**
 * One bank on the dashboard: the host's own markup (name, accounts, balances)
 * with the kit's badge and prompts dropped in. The prompts render nothing
 * while the connection is healthy.
 */
export function AccountCard({ connection }: { connection: Connection }) {
  const name = connection.institutionName ?? 'Your bank';
  const accounts = accountsOf(connection.id);
  const decision = getStatusDecision(connection.status, connection.statusReason);
  const stale = STALE_PROMPTS.has(decision.prompt);
  // A healthy connection keeps itself current; only a stale one says how old its numbers are.
  const updated = connection.successfullyAggregatedAt ? new Date(connection.successfullyAggregatedAt) : undefined;
  const headingId = `card-${connection.id}`;
  return (
    <article className="demo-card" data-connection-id={connection.id} aria-labelledby={headingId}>
      <header className="demo-card__header">
        <span className="demo-card__logo" aria-hidden="true">
          {initials(name)}
        </span>
        <h3 id={headingId} className="demo-card__name">
          {name}
        </h3>
        <ConnectionStatusBadge connection={connection} />
      </header>
      <ReconnectBanner connection={connection} />
      <LinkNewAccountsPrompt connection={connection} />
      <ul className="demo-card__accounts" data-stale={stale || undefined}>
        {accounts.map((account) => (
          <li key={account.mask}>
            <span>
              {account.name} <span className="demo-card__mask">••{account.mask}</span>
            </span>
            <span className="demo-card__balance" data-negative={account.balance < 0 || undefined}>
              {formatMoney(account.balance)}
            </span>
          </li>
        ))}
      </ul>
      <footer className="demo-card__footer">
        <span>
          {stale && updated && !Number.isNaN(updated.getTime())
            ? `Balances as of ${date.format(updated)}`
            : stale
              ? 'Balances are not updating'
              : 'Balances update automatically'}
        </span>
        {/* For the developer watching the demo: what Meld says, as the kit received it. */}
        <code className="demo-card__raw" data-testid="raw-status">
          {connection.status}
          {connection.statusReason ? ` · ${connection.statusReason}` : ''}
        </code>
      </footer>
    </article>
  );
}
