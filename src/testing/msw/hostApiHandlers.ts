import { delay, http, HttpResponse } from 'msw';
import { createHostApiHandlers, type HostApiHandlers, type HostApiHandlersOptions } from '../createHostApiHandlers.js';

/**
 * MSW 2 handlers for the host endpoint contract (Docs / Connecting your
 * backend): the browser's side of a backend, in memory, for tests of your UI
 * (Vitest, Jest with `setupServer`) and for Storybook (`setupWorker`,
 * msw-storybook-addon). Answers as `createReconnectHandler` does (statuses,
 * error shape, Meld's status rules: no refresh on RECONNECT_REQUIRED, no
 * repair on EXPIRED/DELETED/IN_PROGRESS), with scripted failures per
 * connection and a live `/events` stream fed by `setStatus`.
 *
 * Needs `msw` 2 (an optional peer dependency of the kit). Safe in browser
 * bundles: this entry holds no simulator and no Node code.
 *
 * @example
 * const host = hostApiHandlers({
 *   baseUrl: 'http://localhost/api/meld',
 *   connections: [{ id: 'conn_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'First Bank' }],
 *   repair: { conn_1: 429 },
 * });
 * const server = setupServer(...host.handlers);
 */
export function hostApiHandlers(options: HostApiHandlersOptions = {}): HostApiHandlers {
  return createHostApiHandlers({ delay, http, HttpResponse }, options);
}
