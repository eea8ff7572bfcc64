import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * `false` while React renders on the server or hydrates the server's HTML,
 * `true` otherwise. What only the browser knows (storage, the customer's time
 * zone) may change the output only once this is `true`, so hydration finds
 * the HTML the server sent; React then re-renders with the browser's values.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
