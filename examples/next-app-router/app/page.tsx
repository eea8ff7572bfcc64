import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { connectionsQueryOptions } from 'meld-reconnect-kit/core';
import { Accounts } from '@/components/Accounts';
import { currentUser } from '@/lib/session';
import { serverHostApi } from '@/lib/serverHostApi';

// Per customer, read at request time.
export const dynamic = 'force-dynamic';

export default async function AccountsPage() {
  const user = currentUser();
  // Prefetch on the server: the HTML carries each card's status and any prompt that is due.
  // The same query options the kit's hooks use (from /core: no React), so the client finds them in its cache.
  const queryClient = new QueryClient();
  await queryClient.prefetchQuery(connectionsQueryOptions({ hostApi: await serverHostApi() }));

  return (
    <main>
      <header>
        <p className="brand">Pebble</p>
        <p>Signed in as {user?.name}</p>
      </header>
      <h1>Your banks</h1>
      {/* Inside the kit's provider (app/layout.tsx), so the kit reads the same QueryClient. */}
      <HydrationBoundary state={dehydrate(queryClient)}>
        <Accounts />
      </HydrationBoundary>
    </main>
  );
}
