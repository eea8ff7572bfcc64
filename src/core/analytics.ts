import type { ReconnectFlowFailure } from './flowFailure.js';

/** Funnel events the kit emits, so hosts can measure their reconnect funnel. */
export type ReconnectKitEventType =
  | 'prompt_shown'
  | 'flow_started'
  | 'popup_blocked'
  | 'widget_opened'
  | 'widget_completed'
  | 'verified'
  | 'unconfirmed'
  | 'abandoned'
  | 'failed';

export interface ReconnectKitEvent {
  type: ReconnectKitEventType;
  connectionId: string;
  /** ms since the epoch. */
  at: number;
  /**
   * The flow attempt this event belongs to (1, 2, ... per connection while its
   * engine lives): `flow_started` opens one, and exactly one of `verified`,
   * `unconfirmed`, `abandoned` or `failed` ends it. Absent on `prompt_shown`.
   */
  attempt?: number | undefined;
  /** Widget mode, once known. */
  mode?: 'dialog' | 'popup' | 'redirect' | undefined;
  /** For `failed`: why, in the kit's words. */
  failure?: ReconnectFlowFailure | undefined;
  /** For `verified`, `unconfirmed` and `failed` after verification: the status and reason seen. */
  status?: string | undefined;
  reason?: string | null | undefined;
  /** For `abandoned`: how the customer left. */
  closeReason?: string | undefined;
}
