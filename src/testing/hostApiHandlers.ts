import { createRequire } from 'node:module';
import { createHostApiHandlers, type HostApiHandlers, type HostApiHandlersOptions, type MswApi } from './createHostApiHandlers.js';
import { MeldTestingError } from './MeldTestingError.js';

let loaded: MswApi | undefined;

/** msw, loaded on first use (synchronously, as `hostApiHandlers` is), or the kit's error naming the fix. */
function loadMsw(): MswApi {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('msw') as MswApi;
  } catch (cause) {
    if ((cause as { code?: unknown } | null)?.code !== 'MODULE_NOT_FOUND') throw cause;
    throw new MeldTestingError(
      'msw-missing',
      'hostApiHandlers needs msw 2, an optional peer dependency of the kit that is not installed here. Install it with `npm i -D msw` ' +
        '(the Meld simulator, createMeldSimulator, does not need it).',
      { cause },
    );
  }
  return loaded;
}

/**
 * MSW 2 handlers for the host endpoint contract (Docs / Connecting your
 * backend): the browser's side of a backend, in memory, for tests of your UI
 * (Vitest, Jest with `setupServer`) and for Storybook (`setupWorker`,
 * msw-storybook-addon). Answers as `createReconnectHandler` does (statuses,
 * error shape, Meld's status rules: no refresh on RECONNECT_REQUIRED, no
 * repair on EXPIRED/DELETED/IN_PROGRESS), with scripted failures per
 * connection and a live `/events` stream fed by `setStatus`.
 *
 * Needs `msw` 2 (an optional peer dependency of the kit), loaded on the first
 * call: the simulator alone never needs it. Without msw this throws a
 * {@link MeldTestingError} of kind `msw-missing`. In browser bundles (Storybook,
 * a mock page) import it from `meld-reconnect-kit/testing/msw`.
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
  return createHostApiHandlers(loadMsw(), options);
}
