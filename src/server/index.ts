/**
 * `meld-reconnect-kit/server`: the host backend helper, for Node 20+. Keeps
 * the Meld key on the server, serves the host endpoint contract to signed-in
 * customers only, receives Meld's signed webhooks and pushes status changes
 * to the browser (Server-Sent Events). Built on fetch-standard
 * `Request`/`Response`; `toNodeHandler` adapts it to `node:http` and Express.
 * No React; never import it from browser code.
 *
 * @packageDocumentation
 */
export {
  createMeldClient,
  MELD_API_VERSION,
  MELD_BASE_URLS,
  type MeldCallOptions,
  type MeldClient,
  type MeldClientOptions,
} from './createMeldClient.js';
export { MeldApiError, type MeldApiErrorInit, type MeldApiErrorKind } from './MeldApiError.js';
export type {
  ListAllMeldConnectionsParams,
  ListMeldConnectionsParams,
  MeldAcceptedRequest,
  MeldConnection,
  MeldConnectionFilters,
  MeldConnectionPage,
  MeldConnectSession,
  MeldProduct,
  MeldRepairSession,
  StartMeldConnectionBody,
} from './meldTypes.js';
export {
  createReconnectHandler,
  type ReconnectCaller,
  type ReconnectErrorContext,
  type ReconnectHandler,
  type ReconnectHandlerOptions,
  type ReconnectHandlerStats,
  type ReconnectRoute,
} from './createReconnectHandler.js';
export type { EventStreamOptions, EventStreamStats } from './eventStreams.js';
export {
  defaultInstitutionMessage,
  readInstitutionMessage,
  type InstitutionMessageReader,
  type InstitutionMessageSource,
} from './institutionMessage.js';
export {
  createMemoryRateLimiter,
  type MemoryRateLimiter,
  type MemoryRateLimiterStats,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitOptions,
} from './rateLimiter.js';
export {
  createRedisRateLimiter,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
} from './createRedisRateLimiter.js';
export {
  createWebhookHandler,
  type MeldWebhookEvent,
  type WebhookErrorContext,
  type WebhookErrorPhase,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './createWebhookHandler.js';
export {
  signMeldWebhook,
  verifyMeldWebhook,
  type HeadersLike,
  type RawBody,
  type SignMeldWebhookOptions,
  type VerifyMeldWebhookOptions,
} from './verifyMeldWebhook.js';
export type {
  BrowserEventType,
  BrowserStatusEvent,
  ConnectionEvent,
  ConnectionEventListener,
  EventBus,
} from './EventBus.js';
export {
  createMemoryEventBus,
  type MemoryEventBus,
  type MemoryEventBusOptions,
  type MemoryEventBusStats,
} from './createMemoryEventBus.js';
export {
  createRedisEventBus,
  type RedisEventBus,
  type RedisEventBusOptions,
  type RedisEventBusStats,
} from './createRedisEventBus.js';
export { widgetRelayPage, widgetRelayResponse, type WidgetRelayPage, type WidgetRelayPageOptions } from './widgetRelayPage.js';
export {
  planReconnectNotifications,
  type EscalationStep,
  type NotificationChannel,
  type NotificationKind,
  type NotificationMessageKey,
  type NotificationMessageOverrides,
  type NotificationPolicy,
  type NotificationTarget,
  type PlannedNotification,
  type PlanReconnectNotificationsInput,
  type QuietHours,
  type SentNotification,
} from './planReconnectNotifications.js';
export {
  createRepairLinks,
  type IssuedRepairLink,
  type RepairLinks,
  type RepairLinksOptions,
  type RepairLinkStore,
  type RepairLinkTarget,
  type VerifiedRepairLink,
} from './repairLinks.js';
export {
  createMemoryRepairLinkStore,
  type MemoryRepairLinkStore,
  type MemoryRepairLinkStoreOptions,
  type MemoryRepairLinkStoreStats,
} from './createMemoryRepairLinkStore.js';
export {
  createRedisRepairLinkStore,
  type RedisRepairLinkStore,
  type RedisRepairLinkStoreOptions,
} from './createRedisRepairLinkStore.js';
export { toNodeHandler, type NodeHandler, type NodeHandlerOptions } from './toNodeHandler.js';
