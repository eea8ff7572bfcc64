export { ReconnectKitProvider, type ReconnectKitProviderProps } from './ReconnectKitProvider.js';
export { useReconnectKit, type ReconnectKitContextValue } from './ReconnectKitContext.js';
export { useConnection, type UseConnectionOptions, type UseConnectionResult } from './useConnection.js';
export { useConnections, type UseConnectionsOptions, type UseConnectionsResult } from './useConnections.js';
export {
  useRepairConnection,
  type RepairError,
  type UseRepairConnectionOptions,
  type UseRepairConnectionResult,
} from './useRepairConnection.js';
export {
  useRefreshConnection,
  type UseRefreshConnectionOptions,
  type UseRefreshConnectionResult,
} from './useRefreshConnection.js';
export {
  useUpdateConnectionProducts,
  type UpdateConnectionProductsVariables,
  type UseUpdateConnectionProductsOptions,
  type UseUpdateConnectionProductsResult,
} from './useUpdateConnectionProducts.js';
export {
  useDeleteConnection,
  type UseDeleteConnectionOptions,
  type UseDeleteConnectionResult,
} from './useDeleteConnection.js';
export { applyStatusChange, type ApplyStatusChangeOptions } from './applyStatusChange.js';
export {
  useConnectionEvents,
  type ConnectionEventsState,
  type UseConnectionEventsOptions,
  type UseConnectionEventsResult,
} from './useConnectionEvents.js';
export {
  useReconnectFlow,
  type ReconnectFlowState,
  type UseReconnectFlowOptions,
  type UseReconnectFlowResult,
} from './useReconnectFlow.js';
export type { VerificationSettings, WidgetSettings } from './ReconnectKitContext.js';
export {
  useReconnectPrompt,
  type PromptAction,
  type PromptButtonProps,
  type UseReconnectPromptOptions,
  type UseReconnectPromptResult,
} from './useReconnectPrompt.js';
export type { DismissStorage } from './ReconnectKitContext.js';
export { useRepairLink, type RepairLinkStatus, type UseRepairLinkOptions, type UseRepairLinkResult } from './useRepairLink.js';
export { useMeldWidget, type OpenWidgetOptions, type UseMeldWidgetOptions, type UseMeldWidgetResult } from './useMeldWidget.js';
