import { CAN_RECONNECT, CAN_REFRESH, DECISION_ROWS, rowKey } from './decisionTable.js';
import type { ConnectionStatus, StatusReason } from './statuses.js';
import { STATUS_PROSE } from './statusProse.js';

/** One row of Meld's "Status and reason reference" (seed 001), as published. */
export interface StatusTableRow {
  readonly status: ConnectionStatus;
  readonly reason: StatusReason | null;
  /** What the status means (Meld's wording). */
  readonly description: string;
  /** Meld's "Can be refreshed?" column, exactly as published. */
  readonly canRefresh: boolean;
  /** Meld's "Can reconnect?" column, exactly as published. */
  readonly canReconnect: boolean;
  /** Meld's "Recommended developer action" column. */
  readonly recommendedAction: string;
}

function buildTable(): readonly StatusTableRow[] {
  return Object.freeze(
    DECISION_ROWS.map(([status, reason, flags]) => {
      const [description, recommendedAction] = STATUS_PROSE[rowKey(status, reason)] ?? ['', ''];
      return Object.freeze({
        status,
        reason,
        description,
        canRefresh: (flags & CAN_REFRESH) !== 0,
        canReconnect: (flags & CAN_RECONNECT) !== 0,
        recommendedAction,
      });
    }),
  );
}

/**
 * All 23 rows of Meld's status table (9 statuses), in Meld's order, with the
 * booleans exactly as published. Frozen. For decisions, prefer
 * {@link getStatusDecision} or {@link isOperationAllowed}: the published
 * booleans disagree with Meld's operations page in places (see MELD.md §3).
 */
export const STATUS_TABLE: readonly StatusTableRow[] = /* @__PURE__ */ buildTable();
