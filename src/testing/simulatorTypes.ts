// The public shapes of the Meld simulator (createMeldSimulator).
import type { MeldConnection } from '../server/meldTypes.js';

export type { MeldConnection };

/**
 * What the simulated widget does when the customer presses "Sign in":
 *
 * - `ok`: the sign-in completes: the page posts `connect_complete`, the
 *   connection becomes ACTIVE and Meld's STATUS_CHANGE (plus
 *   CONNECTION_COMPLETED) webhooks are sent
 * - `wrong-password`: the page posts an `error` message; the status does not change
 * - `provider-failure`: the page posts `connect_complete`, but the connection
 *   stays RECONNECT_REQUIRED with a new reason and a STATUS_CHANGE says so
 *   (seed 000: "customer completes repair but status stays RECONNECT_REQUIRED")
 * - `slow-webhook`: like `ok`, but the webhooks leave after `delayMs` (default 3000)
 * - `never-answers`: the page loads and posts nothing, ever
 */
export type WidgetBehaviour = 'ok' | 'wrong-password' | 'provider-failure' | 'slow-webhook' | 'never-answers';

/** Options of {@link MeldSimulator.scriptWidget}. */
export interface WidgetScriptOptions {
  /** `slow-webhook`: how long the webhooks wait. Defaults to 3000 ms. */
  delayMs?: number | undefined;
  /**
   * `provider-failure`: the new status reason (defaults to `OTHER`, or
   * `TOKEN_EXPIRED` when the reason already is `OTHER`). `wrong-password`: the
   * error's `reason` (defaults to `INVALID_CREDENTIALS`).
   */
  reason?: string | undefined;
  /** How many sign-ins the script covers. Defaults to 1; `Infinity` keeps it until `reset`. */
  times?: number | undefined;
  /**
   * `slow-webhook`: keep the old status in the API until the webhook leaves,
   * too. By default Meld's state changes at once and only the webhook is late,
   * so the kit can verify by reading.
   */
  holdStatus?: boolean | undefined;
}

/** A connection to create in the simulator: Meld's flat Connection shape, with defaults for what is left out. */
export interface SimulatedConnectionSeed {
  /** Defaults to a random Meld-like id. */
  id?: string | undefined;
  /** Your id for the customer (what `authorize` returns in the reconnect handler). */
  externalCustomerId: string;
  /** Defaults to `'First Simulated Bank'`. */
  institutionName?: string | undefined;
  /** Defaults to an id derived from the name. */
  institutionId?: string | undefined;
  /** Defaults to `'ACTIVE'`. Any row of STATUS_TABLE, or any other upper-case status. */
  status?: string | undefined;
  /** Defaults to the status's reason-less row (`null`) or its first reason in STATUS_TABLE. */
  statusReason?: string | null | undefined;
  /** Defaults to Meld's default for `connect/start`: `['TRANSACTIONS', 'IDENTIFIERS', 'BALANCES', 'OWNERS']`. */
  products?: string[] | undefined;
  /** Defaults to `createdAt`, or `null` for IN_PROGRESS and EXPIRED. */
  successfullyAggregatedAt?: string | null | undefined;
  /** Defaults to now. */
  createdAt?: string | undefined;
  /**
   * Defaults to a Plaid connection: `{ serviceProvider: 'PLAID',
   * serviceProviderConnectionId }`, plus Plaid's `error` object for the rows
   * the simulator can explain (see {@link MeldSimulator.setStatus}).
   */
  serviceProviderDetails?: Record<string, unknown> | null | undefined;
  /**
   * For DEGRADED + INSTITUTION_ACTION_REQUIRED: the bank's message. Stored
   * where a provider puts it, inside `serviceProviderDetails` (Plaid's
   * `error.display_message`); Meld's Connection has no field of its own for it.
   */
  institutionMessage?: string | undefined;
  activeDuplicateConnectionId?: string | null | undefined;
  duplicateConnectionIds?: string[] | null | undefined;
}

/** Options for `createMeldSimulator`. */
export interface MeldSimulatorOptions {
  /** Port of the Meld API, the control API and the control page on 127.0.0.1. 0 or undefined: a free port. */
  port?: number | undefined;
  /** Port of the widget page: its own origin, as Meld's widget is. 0 or undefined: a free port. */
  widgetPort?: number | undefined;
  /** Where signed webhooks are POSTed, exactly as a host would register it with Meld. Can be set later with `setWebhookUrl`. */
  webhookUrl?: string | undefined;
  /** The HMAC secret webhooks are signed with. Defaults to `'sim_webhook_secret'`. */
  webhookSecret?: string | undefined;
  /** The key expected in `Authorization: BASIC <key>`. Defaults to `'sim_api_key'`. */
  apiKey?: string | undefined;
  /** The connections the simulator starts with (and `reset()` returns to). */
  connections?: readonly SimulatedConnectionSeed[] | undefined;
  /** Waits this long before sending each webhook. Defaults to 0. */
  webhookDelayMs?: number | undefined;
  /** A webhook not answered in this time counts as failed, as Meld's 10 s. Defaults to 10 000 ms. */
  webhookTimeoutMs?: number | undefined;
  /** The `profileId` of webhook envelopes: the webhook profile that sent them. Defaults to `'sim_webhook_profile'`. */
  webhookProfileId?: string | undefined;
  /** The `accountId` of connections and webhook envelopes. Defaults to `'sim_account'`. */
  accountId?: string | undefined;
  /** A connect token older than this opens an "expired" page. Defaults to 4 hours. */
  tokenTtlMs?: number | undefined;
  /** One line per request, webhook and widget step. Defaults to none. */
  log?: ((line: string) => void) | undefined;
}

/** A request the simulated Meld API received (`requests()`), for assertions. */
export interface SimulatedRequest {
  method: string;
  /** The path without the query, e.g. `/bank-linking/connect/repair`. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names. `authorization` keeps its scheme only: `'BASIC [redacted]'`. */
  headers: Record<string, string>;
  /** The JSON body, the raw text when it was not JSON, or `undefined`. */
  body: unknown;
  /** The HTTP status the simulator answered. */
  status: number;
  /** Whether the request carried the expected key. */
  authorized: boolean;
  /** ISO-8601, when it arrived. */
  at: string;
}

/** Meld's webhook envelope (MELD.md §4). */
export interface MeldWebhookEnvelope {
  eventType: string;
  eventId: string;
  timestamp: string;
  accountId: string;
  profileId: string | null;
  version: string;
  payload: Record<string, unknown>;
}

/**
 * Where a webhook is: `pending` (waiting for its delay or its answer),
 * `delivered` (answered 200), `failed` (any other answer, a network error or
 * no answer within the timeout), `skipped` (no webhook URL was set) or
 * `cancelled` (reset or close came first).
 */
export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed' | 'skipped' | 'cancelled';

/** One webhook the simulator sent (or tried to). */
export interface WebhookDelivery {
  eventType: string;
  eventId: string;
  /** The envelope's timestamp: when the event happened. */
  timestamp: string;
  payload: Record<string, unknown>;
  envelope: MeldWebhookEnvelope;
  /** The connection it is about. */
  connectionId: string | undefined;
  state: WebhookDeliveryState;
  /** Where it was POSTed. */
  url: string | undefined;
  /** The HTTP status the receiver answered. */
  status: number | undefined;
  /** How long the receiver took to answer. */
  ms: number | undefined;
  /** Why it failed or was skipped. */
  error: string | undefined;
  /** 0 for the first delivery; n for the n-th redelivery (`meld-retry-count`). */
  retryCount: number;
  /** The body exactly as sent (what the signature covers). */
  rawBody: string | undefined;
  /** `meld-signature` and `meld-signature-timestamp` as sent. */
  headers: Record<string, string> | undefined;
}

/** A one-time failure of a Meld API operation (see {@link MeldSimulator.failNext}). */
export type SimulatedOperation = 'list' | 'get' | 'repair' | 'start' | 'refresh' | 'update' | 'delete';

/** Options of {@link MeldSimulator.failNext}. */
export interface FailNextOptions {
  /** Only a call about this connection fails (every operation but `list` and `start` names one). */
  connectionId?: string | undefined;
  /** The HTTP status, 400 to 599. */
  status: number;
  /** For 429: the `Retry-After` seconds. Defaults to 10 800 (MX: one forced refresh per 3 h). */
  retryAfterSeconds?: number | undefined;
  /** Meld's error `code`. Defaults to one that suits the status. */
  code?: string | undefined;
}

/** What the next refresh of a connection does (see {@link MeldSimulator.scriptRefresh}). */
export interface RefreshScript {
  status: string;
  statusReason?: string | null | undefined;
  institutionMessage?: string | undefined;
  /** How long after the 202 the status changes. Defaults to 0. */
  delayMs?: number | undefined;
}

/** A running Meld simulator. Close it when the tests are done. */
export interface MeldSimulator {
  /** Meld API base, e.g. `'http://127.0.0.1:43121'`: give it to `createMeldClient({ baseUrl })`. */
  readonly url: string;
  /** The widget page's origin, e.g. `'http://127.0.0.1:43122'`: its `host:port` goes into the kit's widget `allowedHosts`. */
  readonly widgetOrigin: string;
  /** The control page (HTML) at `${url}/__sim/`; the control API lives under it. */
  readonly controlUrl: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** Where webhooks go now. */
  readonly webhookUrl: string | undefined;
  /** Sets (or, with `undefined`, clears) where webhooks are POSTed. */
  setWebhookUrl(url: string | undefined): void;
  /** Creates a connection (no webhook: it existed already). */
  addConnection(seed: SimulatedConnectionSeed): MeldConnection;
  /** A copy of the connection, or `undefined`. */
  getConnection(id: string): MeldConnection | undefined;
  /** Copies of every connection, oldest first. */
  listConnections(): MeldConnection[];
  /**
   * Sets any status/reason of the table (or any other upper-case status) and
   * sends the STATUS_CHANGE webhook exactly as Meld would: envelope, fresh
   * `eventId`, ISO timestamp, `meld-signature` headers. Without `statusReason`
   * the status's default reason applies (see `SimulatedConnectionSeed.statusReason`).
   * `extra.institutionMessage`, the bank's words for the customer, goes where
   * a provider puts them: into `serviceProviderDetails` (Plaid's
   * `error.display_message`), which both the connection and the payload
   * carry; the reconnect handler reads it from there. ACTIVE +
   * NEW_ACCOUNTS_AVAILABLE also sends `BANK_LINKING_NEW_ACCOUNTS_AVAILABLE`, and
   * CUSTOMER_ACTION_REQUIRED sends `BANK_LINKING_CUSTOMER_ACTION_REQUIRED`
   * (their payloads are undocumented: the simulator sends the connection's
   * ids). Resolves when the STATUS_CHANGE was answered, failed or skipped.
   */
  setStatus(connectionId: string, status: string, statusReason?: string | null, extra?: { institutionMessage?: string | undefined }): Promise<WebhookDelivery>;
  /** Scripts the widget for the connection's next sign-in(s). See {@link WidgetBehaviour}. */
  scriptWidget(connectionId: string, behaviour: WidgetBehaviour, options?: WidgetScriptOptions): void;
  /** The next refresh of this connection answers `status` (default 429, Meld's provider rate limit, with Retry-After). */
  failNextRefresh(connectionId: string, status?: 429 | 409 | 500): void;
  /** The next call of `operation` (about `connectionId`, when given) answers an error in Meld's shape. */
  failNext(operation: SimulatedOperation, options: FailNextOptions): void;
  /** The next refresh of this connection (after its 202) changes the status and sends the webhook. */
  scriptRefresh(connectionId: string, script: RefreshScript): void;
  /** Sends a webhook again with the same `eventId` and `meld-retry-count`, as Meld's retries do. */
  redeliverWebhook(eventId: string): Promise<WebhookDelivery>;
  /** Every Meld API request received, oldest first. */
  requests(): SimulatedRequest[];
  /** Every webhook sent or being sent, oldest first. */
  webhooks(): WebhookDelivery[];
  /** Resolves once no webhook is pending. */
  settled(): Promise<void>;
  /**
   * Back to a clean state: the given connections (else the ones the simulator
   * was created with), no requests, webhooks, scripts or widget sessions.
   * Pending webhooks are cancelled. Ports, key, secret and webhook URL stay.
   */
  reset(connections?: readonly SimulatedConnectionSeed[]): void;
  /** Stops both servers and cancels pending webhooks. Safe to call twice. */
  close(): Promise<void>;
}
