import 'server-only';
import { headers } from 'next/headers';
import { createHostClient, type HostApi } from 'meld-reconnect-kit/core';
import { meldApi } from './meld';

/**
 * The kit's host client for Server Components: the same routes, checks and
 * answers the browser gets from /api/meld, answered in this process (no HTTP
 * round trip), as the customer whose page request this is (their cookie).
 */
export async function serverHostApi(): Promise<HostApi> {
  const cookie = (await headers()).get('cookie');
  return createHostClient({
    baseUrl: 'http://localhost/api/meld',
    headers: cookie ? { cookie } : {},
    fetch: (input, init) => meldApi(new Request(input, init)),
  });
}
