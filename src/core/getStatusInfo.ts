import { resolveStatus, type StatusDecision } from './getStatusDecision.js';
import { STATUS_PROSE, UNKNOWN_STATUS_PROSE } from './statusProse.js';

/** A {@link StatusDecision} plus Meld's prose for the row. */
export interface StatusInfo extends StatusDecision {
  /** What the status means (Meld's wording), or a note that it is unknown. */
  description: string;
  /** Meld's recommended developer action for the row. */
  recommendedAction: string;
}

/**
 * Everything the kit knows about a status/reason pair: the decision of
 * {@link getStatusDecision} plus Meld's description and recommended action.
 * Never throws; see {@link getStatusDecision} for unknown input.
 *
 * @example
 * const info = getStatusInfo(connection.status, connection.statusReason);
 * if (info.customerMustAct) showBanner(info.prompt);
 */
export function getStatusInfo(status: unknown, reason?: unknown): StatusInfo {
  const [decision, key] = resolveStatus(status, reason);
  const [description, recommendedAction] = (key !== undefined && STATUS_PROSE[key]) || UNKNOWN_STATUS_PROSE;
  return { ...decision, description, recommendedAction };
}
