import type { AnyConnectionStatus, AnyStatusReason } from './statuses.js';

/** Products Meld can aggregate for a connection. */
export type MeldProduct =
  | 'BALANCES'
  | 'IDENTIFIERS'
  | 'INVESTMENT_HOLDINGS'
  | 'INVESTMENT_TRANSACTIONS'
  | 'OWNERS'
  | 'TRANSACTIONS'
  | (string & {});

/**
 * A Meld bank-linking connection, as the host backend passes it on (Meld's
 * flat shape). Only `id` and `status` are guaranteed; fields the kit does not
 * know are kept as they came.
 */
export interface Connection {
  id: string;
  status: AnyConnectionStatus;
  statusReason?: AnyStatusReason | undefined;
  accountId?: string | undefined;
  customerId?: string | undefined;
  externalCustomerId?: string | undefined;
  institutionId?: string | undefined;
  institutionName?: string | undefined;
  products?: MeldProduct[] | undefined;
  optionalProducts?: MeldProduct[] | undefined;
  regions?: string[] | undefined;
  serviceProviderDetails?: Record<string, unknown> | null | undefined;
  createdAt?: string | undefined;
  successfullyAggregatedAt?: string | null | undefined;
  duplicateConnectionIds?: string[] | null | undefined;
  activeDuplicateConnectionId?: string | null | undefined;
  /**
   * For DEGRADED + INSTITUTION_ACTION_REQUIRED: the institution's message,
   * which the backend took from Meld's webhook. Plain text; render it as text.
   */
  institutionMessage?: string | undefined;
  [field: string]: unknown;
}

/** What the host's repair endpoint answers: a fresh session for Meld's widget. */
export interface RepairSession {
  connectionId: string;
  connectToken: string;
  /** Opens Meld's widget straight at the bank's login (no institution picker). */
  widgetUrl: string;
  institutionId?: string | undefined;
}

/**
 * What the host's `POST {base}/repair-links/redeem` answers for a repair link
 * the signed-in customer may use: the connection it was issued for.
 */
export interface RedeemedRepairLink {
  connectionId: string;
  /** The connection as `GET {base}/connections/:id` answers it. */
  connection: Connection;
}

/** What refresh and update answer (202 Accepted). */
export interface AcceptedRequest {
  requestId: string;
}

/** The payload of Meld's `BANK_LINKING_CONNECTION_STATUS_CHANGE` webhook. */
export interface StatusChangePayload {
  connectionId: string;
  newStatus: AnyConnectionStatus;
  newStatusReason?: AnyStatusReason | undefined;
  oldStatus?: AnyConnectionStatus | null | undefined;
  oldStatusReason?: AnyStatusReason | undefined;
  customerId?: string | undefined;
  externalCustomerId?: string | undefined;
  institutionId?: string | undefined;
  activeDuplicateConnectionId?: string | null | undefined;
  serviceProviderDetails?: Record<string, unknown> | null | undefined;
  /** Added by the host backend for INSTITUTION_ACTION_REQUIRED (plain text). */
  institutionMessage?: string | undefined;
}

/** Meld's webhook envelope. */
export interface WebhookEnvelope<Payload = unknown> {
  eventType: string;
  eventId?: string | undefined;
  timestamp?: string | undefined;
  accountId?: string | undefined;
  profileId?: string | null | undefined;
  version?: string | undefined;
  payload: Payload;
}
