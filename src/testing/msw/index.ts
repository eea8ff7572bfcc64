/**
 * `meld-reconnect-kit/testing/msw`: {@link hostApiHandlers}, MSW 2 handlers
 * for the host endpoint contract, for UI tests (Vitest, Jest) and Storybook.
 * Unlike `meld-reconnect-kit/testing` (the Meld simulator, Node only), it may
 * go into a browser bundle: a Storybook or a mock page with `setupWorker`.
 * Needs `msw` 2 installed (an optional peer dependency of the kit). For tests
 * and development only; never ship it.
 *
 * @packageDocumentation
 */
export { hostApiHandlers } from './hostApiHandlers.js';
export type {
  HostApiHandlers,
  HostApiHandlersOptions,
  HostApiRequest,
  HostApiRoute,
  HostRedeemAnswer,
  HostRefreshAnswer,
  HostRepairAnswer,
  PerConnection,
} from '../createHostApiHandlers.js';
export { MeldTestingError, type MeldTestingErrorKind } from '../MeldTestingError.js';
