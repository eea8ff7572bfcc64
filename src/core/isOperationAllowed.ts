import { getStatusDecision } from './getStatusDecision.js';
import type { ConnectionOperation } from './statuses.js';

/** Seed 002: refresh applies to these statuses only (Meld answers 409 elsewhere). */
const REFRESHABLE = new Set(['ACTIVE', 'PARTIALLY_ACTIVE', 'DEGRADED', 'UNDETERMINED']);

/**
 * Whether `operation` may be called on a connection in this status, following
 * Meld's operations page (seed 002) and guides:
 *
 * - `refresh`: ACTIVE, PARTIALLY_ACTIVE, DEGRADED, UNDETERMINED only. Not
 *   RECONNECT_REQUIRED, although seed 001 publishes "Yes" there: Meld's refresh
 *   guide answers 409 for it. DEGRADED + INTERACTIVE_REFRESH is allowed, but
 *   only as the direct result of a customer's action.
 * - `repair`: wherever Meld publishes "Can reconnect: Yes"; never EXPIRED,
 *   DELETED, IN_PROGRESS (Meld answers 409) or a healthy ACTIVE.
 * - `update`: any known, non-terminal status except IN_PROGRESS (nothing to
 *   update until the widget finishes).
 * - `delete`: anything not already DELETED, including unknown statuses, so a
 *   customer can always remove a connection.
 *
 * An unknown status or reason allows no refresh, repair or update. Never throws.
 */
export function isOperationAllowed(operation: ConnectionOperation, status: unknown, reason?: unknown): boolean {
  if (operation === 'delete') return status !== 'DELETED';
  const decision = getStatusDecision(status, reason);
  if (!decision.known) return false;
  switch (operation) {
    case 'refresh':
      return REFRESHABLE.has(decision.status);
    case 'repair':
      return decision.canReconnect;
    case 'update':
      return !decision.terminal && decision.status !== 'IN_PROGRESS';
    default:
      return false;
  }
}
