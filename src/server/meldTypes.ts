import type { AnyConnectionStatus, AnyStatusReason } from '../core/statuses.js';
import type { MeldProduct } from '../core/types.js';

export type { MeldProduct };

/** A connection as Meld's API returns it (flat; fields Meld adds later are kept). */
export interface MeldConnection {
  id: string;
  status: AnyConnectionStatus;
  statusReason?: AnyStatusReason | null | undefined;
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
  [field: string]: unknown;
}

/** One page of `GET /bank-linking/connections`. */
export interface MeldConnectionPage {
  count: number;
  /** How many connections follow this page. */
  remaining: number;
  connections: MeldConnection[];
}

/** Query of `GET /bank-linking/connections`. */
export interface ListMeldConnectionsParams {
  externalCustomerId?: string | undefined;
  statuses?: readonly string[] | undefined;
  /** 1 to 100. */
  limit?: number | undefined;
  /** The cursor: the id of the last connection of the previous page. */
  after?: string | undefined;
}

/** Query of {@link MeldClient.listAllConnections}. */
export interface ListAllMeldConnectionsParams {
  externalCustomerId?: string | undefined;
  statuses?: readonly string[] | undefined;
  /** Stops after this many connections. Defaults to 500. */
  maxConnections?: number | undefined;
}

/** Body of `POST /bank-linking/connect/start`. */
export interface StartMeldConnectionBody {
  externalCustomerId: string;
  products?: readonly MeldProduct[] | undefined;
  optionalProducts?: readonly MeldProduct[] | undefined;
  regions?: readonly string[] | undefined;
  institutionId?: string | undefined;
  redirectUrl?: string | undefined;
  [field: string]: unknown;
}

/** Meld's 201 answer to `POST /bank-linking/connect/start`. */
export interface MeldConnectSession {
  id: string;
  connectToken: string;
  widgetUrl: string;
  customerId?: string | undefined;
  externalCustomerId?: string | undefined;
  [field: string]: unknown;
}

/** Meld's 201 answer to `POST /bank-linking/connect/repair`. */
export interface MeldRepairSession {
  id: string;
  connectToken: string;
  /** Missing in old (2022) answers. */
  widgetUrl?: string | undefined;
  institutionId?: string | undefined;
  [field: string]: unknown;
}

/** Meld's 202 answer to refresh and update. */
export interface MeldAcceptedRequest {
  requestId: string;
}
