// The simulator's state and what changes it: statuses and their webhooks,
// widget sessions and their scripts, one-time failures. The HTTP layers
// (Meld API, widget, control) are thin over this.
import type { MeldConnection } from '../server/meldTypes.js';
import { ConnectionStore, copyConnection, SIMULATED_INSTITUTIONS } from './ConnectionStore.js';
import { MeldTestingError } from './MeldTestingError.js';
import type {
  FailNextOptions,
  RefreshScript,
  SimulatedConnectionSeed,
  SimulatedOperation,
  SimulatedRequest,
  WebhookDelivery,
  WidgetBehaviour,
  WidgetScriptOptions,
} from './simulatorTypes.js';
import { detailsForStatus, reducedProviderDetails } from './providerDetails.js';
import { checkStatus, defaultReason, randomId } from './statusRules.js';
import type { WebhookSender } from './WebhookSender.js';

export const STATUS_CHANGE = 'BANK_LINKING_CONNECTION_STATUS_CHANGE';
export const CONNECTION_COMPLETED = 'BANK_LINKING_CONNECTION_COMPLETED';
export const CONNECTION_DELETED = 'BANK_LINKING_CONNECTION_DELETED';
export const ACCOUNTS_UPDATING = 'BANK_LINKING_ACCOUNTS_UPDATING';
export const ACCOUNTS_UPDATED = 'BANK_LINKING_ACCOUNTS_UPDATED';
export const ACCOUNTS_REMOVED = 'BANK_LINKING_ACCOUNTS_REMOVED';
/** Listed in Meld's guides; no payload is documented (the simulator sends the connection's ids). */
export const NEW_ACCOUNTS_AVAILABLE = 'BANK_LINKING_NEW_ACCOUNTS_AVAILABLE';
/** Listed in Meld's guides; no payload is documented (the simulator sends the connection's ids). */
export const CUSTOMER_ACTION_REQUIRED = 'BANK_LINKING_CUSTOMER_ACTION_REQUIRED';

/** Every behaviour `scriptWidget` accepts. */
export const WIDGET_BEHAVIOURS: readonly WidgetBehaviour[] = ['ok', 'wrong-password', 'provider-failure', 'slow-webhook', 'never-answers'];
const OPERATIONS: readonly SimulatedOperation[] = ['list', 'get', 'repair', 'start', 'refresh', 'update', 'delete'];
const SLOW_WEBHOOK_MS = 3000;

/** A widget session: what one connect token opens. */
export interface WidgetSession {
  token: string;
  mode: 'repair' | 'connect';
  connectionId: string;
  createdAt: number;
  state: 'open' | 'completed' | 'cancelled' | 'waiting';
}

/** What the widget page shows and posts after a step. */
export interface WidgetAnswer {
  /** The HTTP status of the widget endpoint's answer. */
  httpStatus: number;
  /** What the page posts to the host (`window.opener || window.parent`), if anything. */
  post: { domain: 'meld-connect'; eventName: 'connect_complete' | 'error'; metadata: Record<string, unknown> } | null;
  /** What the page shows: `connected`, `error` (the form again), `waiting` (forever), `ended`. */
  view: 'connected' | 'error' | 'waiting' | 'ended' | 'cancelled';
  /** The page's words for the customer. */
  text: string;
}

/** The session a token opens, for the page. */
export type SessionLookup =
  | { found: true; session: WidgetSession; connection: MeldConnection; postInit: boolean }
  | { found: false; reason: 'unknown' | 'expired' | 'ended' };

interface WidgetScript {
  behaviour: WidgetBehaviour;
  delayMs: number;
  reason: string | undefined;
  remaining: number;
  holdStatus: boolean;
}

interface Failure extends FailNextOptions {
  operation: SimulatedOperation;
}

/** Options of {@link SimulatorCore}. */
export interface SimulatorCoreOptions {
  accountId: string;
  sender: WebhookSender;
  seeds: readonly SimulatedConnectionSeed[];
  tokenTtlMs: number;
  log: (line: string) => void;
}

/** Cancellable waits, so that reset and close leave no timer behind. */
class Waits {
  readonly #waiting = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: (done: boolean) => void }>();

  #stopped = false;

  /** Resolves `true` after `ms`, or `false` when cancelled first (at once once stopped). */
  sleep(ms: number): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#waiting.delete(entry);
          resolve(true);
        }, Math.max(0, ms)),
        resolve,
      };
      this.#waiting.add(entry);
    });
  }

  cancelAll(stop = false): void {
    if (stop) this.#stopped = true;
    for (const entry of this.#waiting) {
      clearTimeout(entry.timer);
      entry.resolve(false);
    }
    this.#waiting.clear();
  }
}

function nonNegative(value: unknown, name: string, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new MeldTestingError('invalid-option', `${where}: ${name} must be a number of milliseconds (0 or more), not ${JSON.stringify(value)}.`);
  }
  return value;
}

/** The simulator's state. */
export class SimulatorCore {
  readonly store: ConnectionStore;
  readonly sender: WebhookSender;
  readonly #options: SimulatorCoreOptions;
  readonly #sessions = new Map<string, WidgetSession>();
  readonly #widgetScripts = new Map<string, WidgetScript>();
  readonly #refreshScripts = new Map<string, RefreshScript>();
  readonly #failures: Failure[] = [];
  readonly #requests: SimulatedRequest[] = [];
  readonly #waits = new Waits();
  readonly #seeds: readonly SimulatedConnectionSeed[];

  constructor(options: SimulatorCoreOptions) {
    this.#options = options;
    this.sender = options.sender;
    this.store = new ConnectionStore(options.accountId);
    this.#seeds = options.seeds;
    this.#seed(options.seeds, 'createMeldSimulator({ connections })');
  }

  log(line: string): void {
    this.#options.log(line);
  }

  /** Checks every seed on a scratch store first, so a bad list changes nothing. */
  #checkSeeds(seeds: readonly SimulatedConnectionSeed[], where: string): void {
    if (!Array.isArray(seeds)) {
      throw new MeldTestingError('invalid-option', `${where} must be an array of connections, e.g. [{ externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED' }].`);
    }
    const scratch = new ConnectionStore(this.#options.accountId);
    seeds.forEach((seed, index) => scratch.add(seed, `${where}[${index}]`));
  }

  #seed(seeds: readonly SimulatedConnectionSeed[], where: string): void {
    this.#checkSeeds(seeds, where);
    seeds.forEach((seed, index) => this.store.add(seed, `${where}[${index}]`));
  }

  // --- requests -----------------------------------------------------------

  record(request: SimulatedRequest): void {
    this.#requests.push(request);
  }

  requests(): SimulatedRequest[] {
    return this.#requests.map((request) => structuredClone(request));
  }

  // --- statuses and webhooks ---------------------------------------------

  /** Meld's STATUS_CHANGE payload for a change from `old` to the connection's current status. */
  statusChangePayload(connection: MeldConnection, old: { status: string; statusReason: string | null | undefined }): Record<string, unknown> {
    const payload: Record<string, unknown> = {
      customerId: connection.customerId,
      externalCustomerId: connection.externalCustomerId,
      connectionId: connection.id,
      institutionId: connection.institutionId,
      oldStatus: old.status,
      oldStatusReason: old.statusReason ?? null,
      newStatus: connection.status,
      newStatusReason: connection.statusReason ?? null,
      activeDuplicateConnectionId: connection.activeDuplicateConnectionId ?? null,
      serviceProviderDetails: connection.serviceProviderDetails ?? null,
    };
    return payload;
  }

  /**
   * Moves a connection to `status` and sends STATUS_CHANGE. With
   * `holdStatus`, the change itself waits for the delay too.
   */
  async changeStatus(
    connection: MeldConnection,
    status: string,
    statusReason: string | null,
    options: { institutionMessage?: string | undefined; delayMs?: number | undefined; holdStatus?: boolean | undefined } = {},
  ): Promise<WebhookDelivery> {
    let delayMs = options.delayMs;
    if (options.holdStatus && delayMs !== undefined && delayMs > 0) {
      if (!(await this.#waits.sleep(delayMs))) return this.#cancelledDelivery(connection.id);
      delayMs = 0;
    }
    const old = { status: connection.status, statusReason: connection.statusReason };
    connection.status = status;
    connection.statusReason = statusReason;
    // The provider's explanation (and the bank's message, if any) lives in serviceProviderDetails, as at Meld.
    connection.serviceProviderDetails = detailsForStatus(connection.serviceProviderDetails, status, statusReason, options.institutionMessage || undefined);
    if (status === 'ACTIVE' && statusReason === null) connection.successfullyAggregatedAt = new Date().toISOString();
    this.log(`status ${connection.id}: ${old.status}${old.statusReason ? `/${old.statusReason}` : ''} -> ${status}${statusReason ? `/${statusReason}` : ''}`);
    const delivery = this.sender.send(STATUS_CHANGE, this.statusChangePayload(connection, old), { connectionId: connection.id, delayMs });
    // The events the guides list beside STATUS_CHANGE for these two; their payloads are undocumented.
    if (status === 'ACTIVE' && statusReason === 'NEW_ACCOUNTS_AVAILABLE' && old.statusReason !== statusReason) {
      void this.sender.send(NEW_ACCOUNTS_AVAILABLE, this.#ids(connection), { connectionId: connection.id, delayMs });
    }
    if (status === 'CUSTOMER_ACTION_REQUIRED' && old.status !== status) {
      void this.sender.send(CUSTOMER_ACTION_REQUIRED, this.#ids(connection), { connectionId: connection.id, delayMs });
    }
    return delivery;
  }

  /** The fields every connection event starts with. */
  #ids(connection: MeldConnection): Record<string, unknown> {
    return {
      customerId: connection.customerId,
      externalCustomerId: connection.externalCustomerId,
      connectionId: connection.id,
      institutionId: connection.institutionId,
    };
  }

  /** The simulated accounts of a connection (two per connection). */
  accountsOf(connection: MeldConnection): Array<{ id: string; name: string; type: string; mask: string }> {
    const suffix = connection.id.slice(-4).padStart(4, '0');
    return [
      { id: `acc_${suffix}_chk`, name: 'Everyday Checking', type: 'CHECKING', mask: '4321' },
      { id: `acc_${suffix}_sav`, name: 'Savings', type: 'SAVINGS', mask: '8765' },
    ];
  }

  /**
   * ACCOUNTS_UPDATING then ACCOUNTS_UPDATED, as Meld sends after a completed
   * connection and during refreshes (one `requestId` for both).
   */
  #aggregated(connection: MeldConnection, requestId: string, newAccounts: boolean, delayMs?: number): void {
    const accounts = this.accountsOf(connection);
    const details = reducedProviderDetails(connection.serviceProviderDetails);
    const base = { ...this.#ids(connection), requestId };
    void this.sender.send(
      ACCOUNTS_UPDATING,
      { ...base, financialAccounts: accounts.map((a) => ({ id: a.id, name: a.name, truncatedAccountNumber: a.mask, newAccount: newAccounts })), serviceProviderDetails: details },
      { connectionId: connection.id, delayMs },
    );
    connection.successfullyAggregatedAt = new Date().toISOString();
    const products = (connection.products ?? []).filter((p) => p !== 'TRANSACTIONS'); // the guide: never TRANSACTIONS here
    void this.sender.send(
      ACCOUNTS_UPDATED,
      {
        ...base,
        successfullyAggregatedAt: connection.successfullyAggregatedAt,
        financialAccounts: products.length === 0 ? [] : accounts.map((a) => ({ id: a.id, products })),
        serviceProviderDetails: details,
      },
      { connectionId: connection.id, delayMs },
    );
  }

  /** DELETE answered 204: the status, CONNECTION_DELETED, then ACCOUNTS_REMOVED ("always ... following"). */
  deleted(connection: MeldConnection): void {
    connection.status = 'DELETED';
    connection.statusReason = null;
    const details = reducedProviderDetails(connection.serviceProviderDetails);
    void this.sender.send(CONNECTION_DELETED, this.#ids(connection), { connectionId: connection.id });
    void this.sender.send(
      ACCOUNTS_REMOVED,
      { ...this.#ids(connection), financialAccounts: this.accountsOf(connection).map((a) => ({ id: a.id })), serviceProviderDetails: details },
      { connectionId: connection.id },
    );
  }

  #cancelledDelivery(connectionId: string): WebhookDelivery {
    return {
      eventType: STATUS_CHANGE,
      eventId: '',
      timestamp: new Date().toISOString(),
      payload: {},
      envelope: { eventType: STATUS_CHANGE, eventId: '', timestamp: '', accountId: '', profileId: null, version: '', payload: {} },
      connectionId,
      state: 'cancelled',
      url: undefined,
      status: undefined,
      ms: undefined,
      error: 'cancelled by reset() or close() before it was sent',
      retryCount: 0,
      rawBody: undefined,
      headers: undefined,
    };
  }

  /** The public `setStatus`. */
  setStatus(connectionId: string, status: string, statusReason?: string | null, extra?: { institutionMessage?: string | undefined }): Promise<WebhookDelivery> {
    checkStatus(status, statusReason, 'setStatus');
    const connection = this.store.require(connectionId, 'setStatus');
    const message = extra?.institutionMessage;
    if (message !== undefined && typeof message !== 'string') {
      throw new MeldTestingError('invalid-option', 'setStatus: extra.institutionMessage must be plain text, e.g. "Approve the connection in your bank\'s app."');
    }
    return this.changeStatus(connection, status, statusReason === undefined ? defaultReason(status) : statusReason, { institutionMessage: message });
  }

  addConnection(seed: SimulatedConnectionSeed): MeldConnection {
    return copyConnection(this.store.add(seed));
  }

  // --- scripts and failures ----------------------------------------------

  scriptWidget(connectionId: string, behaviour: WidgetBehaviour, options: WidgetScriptOptions = {}): void {
    this.store.require(connectionId, 'scriptWidget');
    if (!WIDGET_BEHAVIOURS.includes(behaviour)) {
      throw new MeldTestingError('invalid-option', `scriptWidget: the behaviour is one of ${WIDGET_BEHAVIOURS.map((b) => `'${b}'`).join(', ')}, not ${JSON.stringify(behaviour)}.`);
    }
    const delayMs = nonNegative(options.delayMs, 'delayMs', 'scriptWidget') ?? SLOW_WEBHOOK_MS;
    const times = options.times ?? 1;
    if (typeof times !== 'number' || !(times >= 1)) {
      throw new MeldTestingError('invalid-option', `scriptWidget: times must be 1 or more (Infinity keeps the script until reset), not ${JSON.stringify(times)}.`);
    }
    if (options.reason !== undefined) checkStatus('RECONNECT_REQUIRED', options.reason, 'scriptWidget (reason)');
    this.#widgetScripts.set(connectionId, { behaviour, delayMs, reason: options.reason, remaining: times, holdStatus: options.holdStatus === true });
    this.log(`script ${connectionId}: widget ${behaviour}${times === 1 ? '' : ` x${times}`}`);
  }

  /** The script the next sign-in of the connection gets (without using it up). */
  peekWidgetScript(connectionId: string): WidgetBehaviour {
    return this.#widgetScripts.get(connectionId)?.behaviour ?? 'ok';
  }

  #takeWidgetScript(connectionId: string): WidgetScript {
    const script = this.#widgetScripts.get(connectionId);
    if (!script) return { behaviour: 'ok', delayMs: SLOW_WEBHOOK_MS, reason: undefined, remaining: 1, holdStatus: false };
    script.remaining -= 1;
    if (script.remaining <= 0) this.#widgetScripts.delete(connectionId);
    return script;
  }

  failNext(operation: SimulatedOperation, options: FailNextOptions): void {
    if (!OPERATIONS.includes(operation)) {
      throw new MeldTestingError('invalid-option', `failNext: the operation is one of ${OPERATIONS.join(', ')}, not ${JSON.stringify(operation)}.`);
    }
    const status = options?.status;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new MeldTestingError('invalid-option', `failNext: status must be an HTTP error status from 400 to 599, e.g. { status: 500 }, not ${JSON.stringify(status)}.`);
    }
    if (options.connectionId !== undefined) this.store.require(options.connectionId, 'failNext');
    this.#failures.push({ ...options, operation });
    this.log(`script ${options.connectionId ?? '*'}: next ${operation} answers ${status}`);
  }

  /** The scripted failure for this call, used up. */
  takeFailure(operation: SimulatedOperation, connectionId: string | undefined): Failure | undefined {
    const at = this.#failures.findIndex((f) => f.operation === operation && (f.connectionId === undefined || f.connectionId === connectionId));
    return at === -1 ? undefined : this.#failures.splice(at, 1)[0];
  }

  scriptRefresh(connectionId: string, script: RefreshScript): void {
    this.store.require(connectionId, 'scriptRefresh');
    checkStatus(script?.status, script?.statusReason, 'scriptRefresh');
    nonNegative(script.delayMs, 'delayMs', 'scriptRefresh');
    this.#refreshScripts.set(connectionId, { ...script });
  }

  /** After a refresh was accepted: the scripted change, or Meld's own (a duplicate is promoted). */
  afterRefresh(connection: MeldConnection, requestId: string): void {
    const script = this.#refreshScripts.get(connection.id);
    this.#refreshScripts.delete(connection.id);
    if (script) {
      const reason = script.statusReason === undefined ? defaultReason(script.status) : script.statusReason;
      void this.#waits.sleep(script.delayMs ?? 0).then((done) => {
        if (done && this.store.get(connection.id) === connection) {
          void this.changeStatus(connection, script.status, reason, { institutionMessage: script.institutionMessage });
        }
      });
      return;
    }
    if (connection.status === 'PARTIALLY_ACTIVE' && connection.statusReason === 'INACTIVE_DUPLICATE') this.#promote(connection);
    this.#aggregated(connection, requestId, false);
  }

  /**
   * Refreshing an inactive duplicate makes it the active one: it takes the
   * previous active duplicate's status, and that one becomes
   * PARTIALLY_ACTIVE / INACTIVE_DUPLICATE (Meld's refresh reference).
   */
  #promote(connection: MeldConnection): void {
    const previousId = connection.activeDuplicateConnectionId;
    const previous = typeof previousId === 'string' && previousId !== connection.id ? this.store.get(previousId) : undefined;
    const group = new Set([connection.id, ...(connection.duplicateConnectionIds ?? []), ...(previous ? [previous.id, ...(previous.duplicateConnectionIds ?? [])] : [])]);
    for (const id of group) {
      const member = this.store.get(id);
      if (member) member.activeDuplicateConnectionId = connection.id;
    }
    const inherited = previous && previous.status !== 'DELETED' ? { status: previous.status, reason: previous.statusReason ?? null } : { status: 'ACTIVE', reason: null };
    if (previous && previous.status !== 'DELETED') void this.changeStatus(previous, 'PARTIALLY_ACTIVE', 'INACTIVE_DUPLICATE');
    void this.changeStatus(connection, inherited.status, inherited.reason);
  }

  // --- widget sessions ----------------------------------------------------

  openSession(mode: WidgetSession['mode'], connectionId: string): WidgetSession {
    const session: WidgetSession = { token: randomId('ct_'), mode, connectionId, createdAt: Date.now(), state: 'open' };
    this.#sessions.set(session.token, session);
    return session;
  }

  lookupSession(token: string | null): SessionLookup {
    const session = token ? this.#sessions.get(token) : undefined;
    if (!session) return { found: false, reason: 'unknown' };
    if (Date.now() - session.createdAt > this.#options.tokenTtlMs) return { found: false, reason: 'expired' };
    if (session.state === 'completed' || session.state === 'cancelled') return { found: false, reason: 'ended' };
    const connection = this.store.get(session.connectionId);
    if (!connection || connection.status === 'DELETED') return { found: false, reason: 'ended' };
    return { found: true, session, connection, postInit: this.peekWidgetScript(connection.id) !== 'never-answers' && session.state !== 'waiting' };
  }

  /** "Sign in" on the widget page: what the connection's script says happens. */
  signIn(token: string, credentials: { username: unknown; password: unknown; institutionId: unknown }): WidgetAnswer {
    const found = this.lookupSession(token);
    if (!found.found) return this.endedAnswer(found.reason);
    const { session, connection } = found;
    if (session.state === 'waiting') return { httpStatus: 202, post: null, view: 'waiting', text: 'Connecting to your bank…' };
    const filled = (value: unknown) => typeof value === 'string' && value.trim().length > 0 && value.length <= 200;
    if (!filled(credentials.username) || !filled(credentials.password)) {
      return { httpStatus: 400, post: null, view: 'error', text: 'Enter your username and password.' };
    }
    if (session.mode === 'connect' && connection.status === 'IN_PROGRESS') {
      const institution = SIMULATED_INSTITUTIONS.find((i) => i.id === credentials.institutionId) ?? SIMULATED_INSTITUTIONS.find((i) => i.id === connection.institutionId);
      if (institution) {
        connection.institutionId = institution.id;
        connection.institutionName = institution.name;
      } else if (!connection.institutionId) {
        return { httpStatus: 400, post: null, view: 'error', text: 'Choose your bank first.' };
      }
    }
    const script = this.#takeWidgetScript(connection.id);
    this.log(`widget ${connection.id}: sign-in (${script.behaviour})`);
    const institution = { institutionId: connection.institutionId, institutionName: connection.institutionName };

    switch (script.behaviour) {
      case 'wrong-password':
        // The session stays open: the customer may try again in the same widget.
        return {
          httpStatus: 200,
          post: {
            domain: 'meld-connect',
            eventName: 'error',
            metadata: { reason: script.reason ?? 'INVALID_CREDENTIALS', details: 'The username or password is incorrect.', ...institution },
          },
          view: 'error',
          text: 'The username or password is incorrect.',
        };
      case 'never-answers':
        session.state = 'waiting';
        return { httpStatus: 202, post: null, view: 'waiting', text: 'Connecting to your bank…' };
      case 'provider-failure': {
        session.state = 'completed';
        const reason = script.reason ?? (connection.statusReason === 'OTHER' ? 'TOKEN_EXPIRED' : 'OTHER');
        void this.changeStatus(connection, 'RECONNECT_REQUIRED', reason);
        return this.#completeAnswer(connection);
      }
      default: {
        session.state = 'completed';
        const delayMs = script.behaviour === 'slow-webhook' ? script.delayMs : undefined;
        const holdStatus = script.behaviour === 'slow-webhook' && script.holdStatus;
        const completed = (afterMs: number | undefined) => {
          if (this.store.get(connection.id) !== connection) return;
          // The guide's example payload: no status (STATUS_CHANGE carries that).
          void this.sender.send(
            CONNECTION_COMPLETED,
            {
              requestId: randomId(),
              ...this.#ids(connection),
              institutionName: connection.institutionName,
              serviceProviderDetails: reducedProviderDetails(connection.serviceProviderDetails),
            },
            { connectionId: connection.id, delayMs: afterMs },
          );
          // Then aggregation starts: existing accounts for a repair, new ones for a new connection.
          this.#aggregated(connection, randomId(), session.mode === 'connect', afterMs);
        };
        if (connection.status !== 'ACTIVE' || connection.statusReason !== null) {
          // A repair clears any reason (ACCESS_EXPIRING_SOON, NEW_ACCOUNTS_AVAILABLE included).
          const change = this.changeStatus(connection, 'ACTIVE', null, { delayMs, holdStatus });
          // Queued behind the STATUS_CHANGE (one connection's webhooks leave in order); a slow one is followed at once.
          const after = script.behaviour === 'slow-webhook' ? 0 : undefined;
          if (holdStatus) void change.then(() => completed(after));
          else completed(after);
        } else {
          completed(delayMs);
        }
        return this.#completeAnswer(connection);
      }
    }
  }

  #completeAnswer(connection: MeldConnection): WidgetAnswer {
    const accounts = this.accountsOf(connection);
    return {
      httpStatus: 200,
      post: {
        domain: 'meld-connect',
        eventName: 'connect_complete',
        metadata: {
          institutionId: connection.institutionId,
          institutionName: connection.institutionName,
          accountCount: accounts.length,
          accounts,
        },
      },
      view: 'connected',
      text: `Connected to ${connection.institutionName ?? 'your bank'}. You can close this window.`,
    };
  }

  endedAnswer(reason: 'unknown' | 'expired' | 'ended'): WidgetAnswer {
    const text =
      reason === 'expired'
        ? 'This link has expired. Close this window and start again.'
        : reason === 'ended'
          ? 'This session has ended. Close this window.'
          : 'This link is not valid. Close this window and start again.';
    return {
      httpStatus: reason === 'unknown' ? 404 : 410,
      post: { domain: 'meld-connect', eventName: 'error', metadata: { reason: reason === 'expired' ? 'CONNECT_TOKEN_EXPIRED' : 'INVALID_CONNECT_TOKEN', details: text } },
      view: 'ended',
      text,
    };
  }

  /** "Cancel" on the widget page: the session ends, nothing changes at Meld. */
  cancel(token: string): WidgetAnswer {
    const found = this.lookupSession(token);
    if (!found.found) return { ...this.endedAnswer(found.reason), post: null };
    found.session.state = 'cancelled';
    this.log(`widget ${found.connection.id}: cancelled`);
    return { httpStatus: 200, post: null, view: 'cancelled', text: 'Cancelled. Close this window to go back.' };
  }

  // --- lifecycle ----------------------------------------------------------

  reset(seeds?: readonly SimulatedConnectionSeed[]): void {
    if (seeds !== undefined) this.#checkSeeds(seeds, 'reset(connections)');
    this.#waits.cancelAll();
    this.sender.reset();
    this.store.clear();
    this.#sessions.clear();
    this.#widgetScripts.clear();
    this.#refreshScripts.clear();
    this.#failures.length = 0;
    this.#requests.length = 0;
    this.#seed(seeds ?? this.#seeds, 'reset(connections)');
  }

  close(): void {
    this.#waits.cancelAll(true);
    this.sender.cancelAll();
  }
}
