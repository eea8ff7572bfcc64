/**
 * `meld-reconnect-kit/core`: the framework-free part of the kit. No React and
 * no DOM access at import time; safe in Node, workers and any UI framework.
 *
 * @packageDocumentation
 */
export {
  CONNECTION_STATUSES,
  STATUS_REASONS,
  type AnyConnectionStatus,
  type AnyStatusReason,
  type ConnectionOperation,
  type ConnectionStatus,
  type NextStep,
  type PrimaryAction,
  type PromptKind,
  type Severity,
  type StatusReason,
} from './statuses.js';
export { getStatusDecision, type StatusDecision } from './getStatusDecision.js';
export { getStatusInfo, type StatusInfo } from './getStatusInfo.js';
export { isOperationAllowed } from './isOperationAllowed.js';
export { STATUS_TABLE, type StatusTableRow } from './statusTable.js';
export type { AcceptedRequest, Connection, MeldProduct, RepairSession, StatusChangePayload, WebhookEnvelope } from './types.js';
export {
  HostApiError,
  OperationNotAllowedError,
  type HostApiErrorInit,
  type HostApiErrorKind,
  type OperationNotAllowedErrorKind,
} from './HostApiError.js';
export { createHostClient, type HostApi, type HostClientOptions, type HostRequestOptions } from './createHostClient.js';
export { reconnectKitKeys } from './queryKeys.js';
export {
  verifyRepair,
  type ObservedStatus,
  type RepairVerification,
  type RepairVerificationOutcome,
  type VerifyRepairOptions,
} from './verifyRepair.js';
export {
  validateWidgetUrl,
  WidgetUrlError,
  type ValidateWidgetUrlOptions,
  type WidgetUrlProblem,
} from './validateWidgetUrl.js';
export {
  parseWidgetMessage,
  type WidgetCompleteMetadata,
  type WidgetErrorMetadata,
  type WidgetEventName,
  type WidgetMessage,
  type WidgetMetadata,
} from './parseWidgetMessage.js';
export type { ReconnectKitEvent, ReconnectKitEventType } from './analytics.js';
export { classifyFlowError, type ReconnectFlowFailure } from './flowFailure.js';
