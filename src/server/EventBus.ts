/**
 * The webhook event types the live stream carries (the ones the browser's
 * `applyStatusChange` reads):
 *
 * - STATUS_CHANGE and CONNECTION_DELETED, reduced from Meld's payload;
 * - CUSTOMER_ACTION_REQUIRED and NEW_ACCOUNTS_AVAILABLE, whose payloads Meld
 *   does not document: the webhook handler reads the connection from Meld and
 *   sends its status (`newStatus`, `newStatusReason`) under the event's name;
 * - ACCOUNTS_UPDATED and TRANSACTIONS_AGGREGATED, reduced to
 *   `successfullyAggregatedAt` (what "last updated" shows).
 */
export type BrowserEventType =
  | 'BANK_LINKING_CONNECTION_STATUS_CHANGE'
  | 'BANK_LINKING_CONNECTION_DELETED'
  | 'BANK_LINKING_CUSTOMER_ACTION_REQUIRED'
  | 'BANK_LINKING_NEW_ACCOUNTS_AVAILABLE'
  | 'BANK_LINKING_ACCOUNTS_UPDATED'
  | 'BANK_LINKING_TRANSACTIONS_AGGREGATED';

/**
 * A status change as the browser receives it in the `data` of an SSE event:
 * Meld's webhook envelope reduced to checked fields the kit reads. Nothing
 * else from Meld's webhook passes.
 */
export interface BrowserStatusEvent {
  eventType: BrowserEventType;
  /** Meld's `eventId`; the browser deduplicates on it. */
  eventId: string;
  /** Meld's timestamp (ISO-8601); the browser ignores events older than the last one applied. */
  timestamp?: string | undefined;
  payload: {
    connectionId: string;
    newStatus?: string | undefined;
    newStatusReason?: string | null | undefined;
    oldStatus?: string | null | undefined;
    oldStatusReason?: string | null | undefined;
    institutionId?: string | undefined;
    activeDuplicateConnectionId?: string | null | undefined;
    /** Reduced to `{ serviceProvider }`. */
    serviceProviderDetails?: { serviceProvider?: string } | null | undefined;
    /** When the connection was last aggregated (ACCOUNTS_UPDATED, TRANSACTIONS_AGGREGATED, and re-read connections). */
    successfullyAggregatedAt?: string | null | undefined;
    /**
     * For DEGRADED + INSTITUTION_ACTION_REQUIRED: the bank's message, derived
     * on the host backend from `serviceProviderDetails` (or given by `enrich`). Plain text.
     */
    institutionMessage?: string | undefined;
  };
}

/** A status change on the bus, addressed to one customer. */
export interface ConnectionEvent {
  /** Assigned by the bus when published; the SSE `id:` and the `Last-Event-ID` to resume from. */
  id: string;
  /** The customer whose streams receive it (your id, Meld's `externalCustomerId`). */
  externalCustomerId: string;
  event: BrowserStatusEvent;
}

/** Called for each event published to a customer. */
export type ConnectionEventListener = (event: ConnectionEvent) => void;

/**
 * Carries status changes from the webhook handler to the `/events` streams,
 * per customer. `createMemoryEventBus` serves one process;
 * `createRedisEventBus` serves several instances. Implement it to use another
 * broker (NATS, Postgres LISTEN/NOTIFY).
 */
export interface EventBus {
  /** Publishes to every subscriber of `externalCustomerId`, on every instance; resolves with the event as delivered. */
  publish(externalCustomerId: string, event: BrowserStatusEvent): Promise<ConnectionEvent>;
  /** Listens to one customer's events; resolves once listening, with a function that stops it. */
  subscribe(externalCustomerId: string, listener: ConnectionEventListener): Promise<() => void>;
  /**
   * The customer's buffered events after `lastEventId`, oldest first, for a
   * stream that resumes. An id the buffer no longer holds (or never held)
   * yields every buffered event of the customer: the browser ignores the
   * ones it already applied.
   */
  replay?(externalCustomerId: string, lastEventId: string): Promise<ConnectionEvent[]>;
  /**
   * Claims a webhook `eventId` across instances: resolves `true` the first
   * time only. Optional; without it each instance deduplicates on its own.
   */
  claimEvent?(eventId: string): Promise<boolean>;
  /** Gives a claim back (the event failed and Meld will retry it). */
  releaseEvent?(eventId: string): Promise<void>;
  /** Stops the bus and frees its connections. */
  close(): Promise<void>;
}
