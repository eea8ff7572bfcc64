import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { reconnectKitKeys } from 'meld-reconnect-kit/core';
import { Accounts } from '@/components/Accounts';
import { currentUser } from '@/lib/session';
import { serverHostApi } from '@/lib/serverHostApi';

// Per customer, read at request time.
export const dynamic = 'force-dynamic';

export default async function AccountsPage() {
  const user = currentUser();
  // Prefetch on the server: the HTML carries each card's status and any prompt that is due.
  const queryClient = new QueryClient();
  const hostApi = await serverHostApi();
  const connections = await hostApi.listConnections();
  queryClient.setQueryData(reconnectKitKeys.list(), connections);
  for (const connection of connections) queryClient.setQueryData(reconnectKitKeys.detail(connection.id), connection);

  return (
    <main>
      <header>
        <p className="brand">Pebble</p>
        <p>Signed in as {user?.name}</p>
      </header>
      <h1>Your banks</h1>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <Accounts />
      </HydrationBoundary>
    </main>
  );
}
