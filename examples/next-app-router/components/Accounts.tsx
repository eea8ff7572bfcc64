'use client';
import { ConnectionStatusBadge, ReconnectBanner, useConnectionEvents, useConnections } from 'meld-reconnect-kit';

/** The customer's bank connections, each with its status and, when one is due, the kit's prompt. */
export function Accounts() {
  // Status changes pushed by the backend (Meld's webhooks), no polling: once, near the top.
  const live = useConnectionEvents();
  const { data: connections, error } = useConnections();

  if (error) return <p role="alert">Your bank connections could not be loaded. Try again in a moment.</p>;
  if (!connections) return <p>Loading your bank connections…</p>;
  return (
    <>
      <p className="live" data-live={live.state}>
        Live updates: {live.state}
      </p>
      <ul className="accounts">
        {connections.map((connection) => (
          <li key={connection.id} className="account" data-connection-id={connection.id}>
            <div className="account-header">
              <h2>{connection.institutionName ?? 'Your bank'}</h2>
              <ConnectionStatusBadge connectionId={connection.id} />
            </div>
            <ReconnectBanner connectionId={connection.id} />
          </li>
        ))}
      </ul>
    </>
  );
}
