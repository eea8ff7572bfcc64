import type {
  ConnectionStatus,
  NextStep,
  PromptKind,
  Severity,
  StatusReason,
} from './statuses.js';

/** Published "Can be refreshed?" column. */
export const CAN_REFRESH = 1;
/** Published "Can reconnect?" column. */
export const CAN_RECONNECT = 2;
/** Nothing improves until the customer acts (our reading of the recommended action). */
export const CUSTOMER_MUST_ACT = 4;

const R = CAN_REFRESH;
const C = CAN_RECONNECT;
const M = CUSTOMER_MUST_ACT;

/** One row of seed 001 as decisions: the published booleans plus what the kit derives. */
export type DecisionRow = readonly [
  status: ConnectionStatus,
  reason: StatusReason | null,
  flags: number,
  prompt: PromptKind,
  severity: Severity,
  nextStep: NextStep,
];

/**
 * Seed 001, row for row, in its order. The flags carry the published booleans
 * exactly (including RECONNECT_REQUIRED "can be refreshed: Yes", which the
 * operation guard overrides; see isOperationAllowed). The prompt, severity and
 * next step come from the "recommended developer action" column and MELD.md §3.
 */
export const DECISION_ROWS: readonly DecisionRow[] = [
  ['IN_PROGRESS', null, 0, 'in-progress', 'none', 'wait'],
  ['EXPIRED', null, 0, 'start-new-connection', 'info', 'start-new-connection'],
  ['ACTIVE', null, R, 'none', 'none', 'none'],
  ['ACTIVE', 'ACCESS_EXPIRING_SOON', R | C, 'expiring-soon', 'warning', 'repair'],
  ['ACTIVE', 'NEW_ACCOUNTS_AVAILABLE', R | C, 'new-accounts', 'info', 'repair'],
  ['PARTIALLY_ACTIVE', 'PARTIAL_AGGREGATION_SUCCESS', R | C, 'partial-data', 'warning', 'refresh-then-repair'],
  ['PARTIALLY_ACTIVE', 'INACTIVE_DUPLICATE', R | C, 'none', 'info', 'resolve-duplicate'],
  ['DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE', R | C, 'temporary-outage', 'info', 'retry-later'],
  ['DEGRADED', 'INSTITUTION_ACTION_REQUIRED', R | C | M, 'institution-action', 'warning', 'forward-message-then-refresh'],
  ['DEGRADED', 'SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE', R | C, 'temporary-outage', 'info', 'retry-later'],
  ['DEGRADED', 'INTERACTIVE_REFRESH', R | C, 'refresh-on-demand', 'info', 'refresh-on-customer-action'],
  ['RECONNECT_REQUIRED', 'LOGIN_REQUIRED', R | C | M, 'reconnect', 'critical', 'repair'],
  ['RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION', R | C, 'institution-repairing', 'warning', 'repair-later'],
  ['RECONNECT_REQUIRED', 'TOKEN_EXPIRED', R | C | M, 'reconnect', 'critical', 'repair'],
  ['RECONNECT_REQUIRED', 'OTHER', R | C | M, 'reconnect', 'critical', 'repair'],
  ['UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES', C | M, 'start-new-connection', 'critical', 'start-new-connection'],
  ['UNRECOVERABLE', 'INSTITUTION_DISABLED', C | M, 'choose-another-institution', 'critical', 'connect-another-institution'],
  ['UNRECOVERABLE', 'OTHER', C | M, 'start-new-connection', 'critical', 'start-new-connection'],
  ['UNDETERMINED', 'AGGREGATION_TIMEOUT', R | C, 'temporary-outage', 'info', 'retry-later'],
  ['UNDETERMINED', 'SUBMIT_SERVICE_PROVIDER_TICKET', R | C, 'temporary-outage', 'info', 'contact-provider'],
  ['UNDETERMINED', 'UNKNOWN_SERVICE_PROVIDER_ERROR_CODE', R | C, 'temporary-outage', 'info', 'contact-meld'],
  ['UNDETERMINED', 'INTERNAL_ERROR', R | C, 'temporary-outage', 'info', 'contact-meld'],
  ['DELETED', null, 0, 'start-new-connection', 'info', 'start-new-connection'],
];

/**
 * Rows from Meld's guides that seed 001 lacks. CUSTOMER_ACTION_REQUIRED:
 * the webhook guide routes it to repair and publishes no reasons for it, so
 * its row has none. With a reason the kit does not know, it is unknown like
 * any other unpublished pair (and unlocks nothing).
 */
export const GUIDE_ROWS: readonly DecisionRow[] = [
  ['CUSTOMER_ACTION_REQUIRED', null, C | M, 'reconnect', 'critical', 'repair'],
];

/** The lookup key of a status/reason pair: `STATUS` or `STATUS:REASON`. */
export function rowKey(status: string, reason: string | null): string {
  return reason === null ? status : `${status}:${reason}`;
}

/** Map (not an object) so that keys such as `__proto__` cannot reach a prototype. */
export const ROWS_BY_KEY: ReadonlyMap<string, DecisionRow> = new Map(
  [...DECISION_ROWS, ...GUIDE_ROWS].map((row) => [rowKey(row[0], row[1]), row]),
);
