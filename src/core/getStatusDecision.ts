import {
  CAN_RECONNECT,
  CAN_REFRESH,
  CUSTOMER_MUST_ACT,
  ROWS_BY_KEY,
  rowKey,
  type DecisionRow,
} from './decisionTable.js';
import { warnOnce } from './dev.js';
import type {
  NextStep,
  PrimaryAction,
  PromptKind,
  Severity,
} from './statuses.js';

/**
 * What the kit decides for a status/reason pair. Contains no prose, so a host
 * that only needs decisions does not bundle Meld's descriptions.
 */
export interface StatusDecision {
  /** The status as received (`''` when it was not a string). */
  status: string;
  /** The reason as received; `null` when absent or empty. */
  reason: string | null;
  /** Whether the pair is a row of Meld's published table. */
  known: boolean;
  /** Meld's published "Can be refreshed?", exactly; `false` when not known. */
  canRefresh: boolean;
  /** Meld's published "Can reconnect?", exactly; `false` when not known. */
  canReconnect: boolean;
  /** Which prompt the customer should see. */
  prompt: PromptKind;
  /** How loudly to show it. */
  severity: Severity;
  /** The action the prompt leads with. */
  primaryAction: PrimaryAction;
  /** Whether nothing improves until the customer acts. */
  customerMustAct: boolean;
  /** EXPIRED and DELETED: the connection can never come back. */
  terminal: boolean;
  /** What the host should do next (Meld's recommended developer action). */
  nextStep: NextStep;
}

const MAX_INPUT_LENGTH = 64;

const PRIMARY_ACTION: Partial<Record<PromptKind, PrimaryAction>> = {
  reconnect: 'repair',
  'expiring-soon': 'repair',
  'new-accounts': 'repair',
  'institution-repairing': 'repair',
  'partial-data': 'refresh',
  'institution-action': 'refresh',
  'refresh-on-demand': 'refresh',
  'start-new-connection': 'start-new-connection',
  'choose-another-institution': 'start-new-connection',
};

/**
 * Statuses whose every row has a reason. Received without one, they read as
 * their catch-all `OTHER` row ("various other reasons").
 */
const OTHER_WHEN_NO_REASON = new Set(['RECONNECT_REQUIRED', 'UNRECOVERABLE']);

/**
 * For a known status with a reason the kit does not know: the row whose prompt
 * needs no operation on the connection, and so is safe to show. Statuses not
 * listed fall back to the `unknown` prompt.
 */
const SAFE_ROW_FOR_UNKNOWN_REASON: ReadonlyMap<string, string> = new Map([
  ['IN_PROGRESS', 'IN_PROGRESS'],
  ['EXPIRED', 'EXPIRED'],
  ['ACTIVE', 'ACTIVE'],
  ['UNRECOVERABLE', 'UNRECOVERABLE:OTHER'],
  ['DELETED', 'DELETED'],
]);

function normalizeReason(reason: unknown): string | null | undefined {
  if (reason === null || reason === undefined || reason === '') return null;
  return typeof reason === 'string' ? reason : undefined;
}

function fromRow(status: string, reason: string | null, row: DecisionRow, known: boolean): StatusDecision {
  const flags = row[2];
  const prompt = row[3];
  return {
    status,
    reason,
    known,
    canRefresh: known && (flags & CAN_REFRESH) !== 0,
    canReconnect: known && (flags & CAN_RECONNECT) !== 0,
    prompt,
    severity: row[4],
    primaryAction: PRIMARY_ACTION[prompt] ?? 'none',
    customerMustAct: (flags & CUSTOMER_MUST_ACT) !== 0,
    terminal: row[0] === 'EXPIRED' || row[0] === 'DELETED',
    nextStep: row[5],
  };
}

/**
 * Resolves a pair to its decision and, when known, the key of the table row it
 * matched. Internal: {@link getStatusInfo} uses the key to find Meld's prose.
 */
export function resolveStatus(status: unknown, reason?: unknown): [StatusDecision, string | undefined] {
  const safeStatus = typeof status === 'string' ? status : '';
  const safeReason = normalizeReason(reason);
  // '' marks a reason that was present but not a string.
  const reasonOut = safeReason === undefined ? '' : safeReason;
  const valid =
    safeStatus !== '' &&
    safeStatus.length <= MAX_INPUT_LENGTH &&
    safeReason !== undefined &&
    (safeReason === null || safeReason.length <= MAX_INPUT_LENGTH);

  if (valid) {
    const key =
      safeReason === null && OTHER_WHEN_NO_REASON.has(safeStatus)
        ? rowKey(safeStatus, 'OTHER')
        : rowKey(safeStatus, safeReason);
    const row = ROWS_BY_KEY.get(key);
    if (row) return [fromRow(safeStatus, safeReason, row, true), key];
  }

  // No status yet (data still loading) is not a new Meld status: no warning.
  if (status !== undefined && status !== null) {
    warnOnce(() => {
      const shownStatus = JSON.stringify(safeStatus.slice(0, MAX_INPUT_LENGTH));
      const shownReason = reasonOut === null ? 'null' : JSON.stringify(reasonOut.slice(0, MAX_INPUT_LENGTH));
      return [
        `status:${shownStatus}:${shownReason}`,
        `Unknown connection status ${shownStatus} with reason ${shownReason}.` +
          ' The kit treats it as the safest known case and offers no refresh, repair or update.' +
          ' If Meld has added it, please update meld-reconnect-kit.',
      ];
    });
  }

  const safeKey = SAFE_ROW_FOR_UNKNOWN_REASON.get(safeStatus);
  const safeRow = safeKey === undefined ? undefined : ROWS_BY_KEY.get(safeKey);
  if (safeRow) return [fromRow(safeStatus, reasonOut, safeRow, false), undefined];
  return [
    {
      status: safeStatus,
      reason: reasonOut,
      known: false,
      canRefresh: false,
      canReconnect: false,
      prompt: 'unknown',
      severity: 'info',
      primaryAction: 'none',
      customerMustAct: false,
      terminal: false,
      nextStep: 'investigate',
    },
    undefined,
  ];
}

/**
 * Decides what a connection status means for the UI, without prose.
 *
 * Never throws. A status or reason outside Meld's published table (including
 * non-strings, `__proto__` and strings over 64 characters) comes back with
 * `known: false`, both published booleans `false`, and the safest prompt: the
 * status's own healthy, waiting or start-new prompt where the status has one
 * (ACTIVE, IN_PROGRESS, EXPIRED, DELETED, UNRECOVERABLE), else `unknown`.
 * A development-only warning names the pair once.
 *
 * A RECONNECT_REQUIRED or UNRECOVERABLE status without a reason reads as that
 * status's catch-all `OTHER` row, which is known.
 *
 * @example
 * getStatusDecision('RECONNECT_REQUIRED', 'LOGIN_REQUIRED').prompt // 'reconnect'
 */
export function getStatusDecision(status: unknown, reason?: unknown): StatusDecision {
  return resolveStatus(status, reason)[0];
}
