import type { AnyConnectionStatus, AnyStatusReason } from '../core/statuses.js';
import type { MeldProduct } from '../core/types.js';

export type { MeldProduct };

/** A connection as Meld's API returns it (flat; fields Meld adds later are kept). */
export interface MeldConnection {
  id: string;
  /** Only on a listed connection: its position in the list, the cursor for `before` / `after`. */
  key?: string | undefined;
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

/**
 * The filters of `GET /bank-linking/connections` (Meld's OpenAPI,
 * `bank-linking-connections-search`). Every filter is optional.
 */
export interface MeldConnectionFilters {
  /** Meld's id for the customer. */
  customerId?: string | undefined;
  /** Your id for the customer. */
  externalCustomerId?: string | undefined;
  /** Only this institution. Takes precedence over `institutionName`. */
  institutionId?: string | undefined;
  /** Only this institution, by name. Ignored by Meld when `institutionId` is given. */
  institutionName?: string | undefined;
  /** Only these statuses (sent comma-separated). */
  statuses?: readonly string[] | undefined;
  /** Only these service providers, e.g. `['PLAID', 'MX']` (sent comma-separated). */
  serviceProviders?: readonly string[] | undefined;
  /** Created on or after this day, `yyyy-mm-dd`. */
  startDate?: string | undefined;
  /** Created on or before this day, `yyyy-mm-dd`. */
  endDate?: string | undefined;
}

/** Query of one page of `GET /bank-linking/connections`. */
export interface ListMeldConnectionsParams extends MeldConnectionFilters {
  /** 1 to 100. Meld's default is 10. */
  limit?: number | undefined;
  /**
   * The cursor: the `key` of the last connection of the previous page (never
   * its `id`; Meld answers 400 to an id). Not with `before`.
   */
  after?: string | undefined;
  /** The cursor backwards: the `key` of the first connection of the next page. Not with `after`. */
  before?: string | undefined;
}

/** Query of {@link MeldClient.listAllConnections}. */
export interface ListAllMeldConnectionsParams extends MeldConnectionFilters {
  /** Stops after this many connections. Defaults to 500. */
  maxConnections?: number | undefined;
  /** Connections per request, 1 to 100. Defaults to 100 (Meld's maximum; its default is 10). */
  pageSize?: number | undefined;
  /** Start after this `key` and page forwards (the default, from the start of the list). */
  after?: string | undefined;
  /** Start before this `key` and page backwards; the result is still in list order. */
  before?: string | undefined;
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
