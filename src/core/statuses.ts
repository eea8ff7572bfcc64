/**
 * The statuses and status reasons Meld publishes for a bank-linking connection
 * (seed 001, "Status and reason reference"). Meld may add more at any time, so
 * every API in the kit also accepts strings outside these lists.
 */

/**
 * Every connection status Meld documents: the nine of seed 001 (and of the
 * OpenAPI's Connection), then CUSTOMER_ACTION_REQUIRED, which only Meld's
 * current webhook guide names ("route the customer to the repair flow if the
 * connection is now RECONNECT_REQUIRED or CUSTOMER_ACTION_REQUIRED").
 */
export const CONNECTION_STATUSES = [
  'IN_PROGRESS',
  'EXPIRED',
  'ACTIVE',
  'PARTIALLY_ACTIVE',
  'DEGRADED',
  'RECONNECT_REQUIRED',
  'UNRECOVERABLE',
  'UNDETERMINED',
  'DELETED',
  'CUSTOMER_ACTION_REQUIRED',
] as const;

/** A connection status Meld documents. */
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Every status reason Meld documents (a reason is only meaningful with its status). */
export const STATUS_REASONS = [
  'ACCESS_EXPIRING_SOON',
  'NEW_ACCOUNTS_AVAILABLE',
  'PARTIAL_AGGREGATION_SUCCESS',
  'INACTIVE_DUPLICATE',
  'INSTITUTION_CURRENTLY_UNAVAILABLE',
  'INSTITUTION_ACTION_REQUIRED',
  'SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE',
  'INTERACTIVE_REFRESH',
  'LOGIN_REQUIRED',
  'REPAIRING_INSTITUTION',
  'TOKEN_EXPIRED',
  'OTHER',
  'CONTINUED_AGGREGATION_FAILURES',
  'INSTITUTION_DISABLED',
  'AGGREGATION_TIMEOUT',
  'SUBMIT_SERVICE_PROVIDER_TICKET',
  'UNKNOWN_SERVICE_PROVIDER_ERROR_CODE',
  'INTERNAL_ERROR',
] as const;

/** A status reason Meld documents. */
export type StatusReason = (typeof STATUS_REASONS)[number];

/**
 * A status as it may arrive from Meld: one of the documented ones (with
 * autocompletion) or any other string Meld adds later.
 */
export type AnyConnectionStatus = ConnectionStatus | (string & {});

/** A status reason as it may arrive from Meld, or `null` when there is none. */
export type AnyStatusReason = StatusReason | (string & {}) | null;

/**
 * The kind of prompt the customer should see for a status. Derived from the
 * "recommended developer action" column of Meld's table, not from its booleans.
 *
 * - `none`: nothing to show (healthy, or only the host backend has work to do).
 * - `reconnect`: the connection is broken until the customer logs in again.
 * - `expiring-soon`: access will expire; reconnecting now prevents it.
 * - `new-accounts`: optional; the customer may add newly found accounts.
 * - `partial-data`: some data is missing; refresh first, reconnect if it persists.
 * - `institution-action`: the customer must do something at their bank (Meld
 *   forwards the bank's message), then refresh.
 * - `institution-repairing`: the bank's integration is being repaired; try again later.
 * - `temporary-outage`: the bank or provider is having trouble; inform at most.
 * - `refresh-on-demand`: this bank only refreshes when the customer asks.
 * - `in-progress`: the customer is still inside the widget.
 * - `start-new-connection`: this connection cannot come back; link it again.
 * - `choose-another-institution`: the bank is no longer supported; link another.
 * - `unknown`: a status or reason the kit does not know; no action is offered.
 */
export type PromptKind =
  | 'none'
  | 'reconnect'
  | 'expiring-soon'
  | 'new-accounts'
  | 'partial-data'
  | 'institution-action'
  | 'institution-repairing'
  | 'temporary-outage'
  | 'refresh-on-demand'
  | 'in-progress'
  | 'start-new-connection'
  | 'choose-another-institution'
  | 'unknown';

/** How loudly a status should be shown. Ordered: none < info < warning < critical. */
export type Severity = 'none' | 'info' | 'warning' | 'critical';

/** The customer-facing action a prompt leads with. */
export type PrimaryAction = 'none' | 'repair' | 'refresh' | 'start-new-connection';

/**
 * The machine-readable form of Meld's "recommended developer action": what the
 * host (usually its backend) should do next.
 */
export type NextStep =
  | 'none'
  | 'wait'
  | 'repair'
  | 'repair-later'
  | 'refresh-then-repair'
  | 'resolve-duplicate'
  | 'retry-later'
  | 'forward-message-then-refresh'
  | 'refresh-on-customer-action'
  | 'contact-provider'
  | 'contact-meld'
  | 'start-new-connection'
  | 'connect-another-institution'
  | 'investigate';

/** An operation on an existing connection (seed 002). */
export type ConnectionOperation = 'refresh' | 'repair' | 'update' | 'delete';
