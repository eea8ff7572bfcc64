import { useConnections, type Connection } from 'meld-reconnect-kit';
import { AccountCard } from './AccountCard.js';
import { accountsOf, formatMoney } from './accounts.js';

function total(connections: readonly Connection[]): number {
  return connections.flatMap((c) => accountsOf(c.id)).reduce((sum, account) => sum + account.balance, 0);
}

/** The customer's banks as cards, from the host's `GET /api/meld/connections` (through the kit's hook). */
export function Dashboard() {
  const { data, error, isPending } = useConnections();
  if (isPending) return <p className="demo-muted">Loading your accounts…</p>;
  if (error) return <p role="alert">We could not load your accounts ({error.kind}).</p>;
  return (
    <>
      <p className="demo-summary">
        Net worth <strong data-testid="net-worth">{formatMoney(total(data))}</strong> across {data.length} banks
      </p>
      <h2 className="demo-visually-hidden">Your banks</h2>
      <div className="demo-cards">
        {data.map((connection) => (
          <AccountCard key={connection.id} connection={connection} />
        ))}
      </div>
    </>
  );
}
