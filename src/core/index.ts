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
export { getRenewal, type GetRenewalOptions, type Renewal, type RenewalPolicy, type RenewalSource } from './getRenewal.js';
export { STATUS_TABLE, type StatusTableRow } from './statusTable.js';
export type { AcceptedRequest, Connection, MeldProduct, RedeemedRepairLink, RepairSession, StatusChangePayload, WebhookEnvelope } from './types.js';
export {
  HostApiError,
  OperationNotAllowedError,
  type HostApiErrorInit,
  type HostApiErrorKind,
  type OperationNotAllowedErrorKind,
} from './HostApiError.js';
export { createHostClient, type HostApi, type HostClientOptions, type HostRequestOptions } from './createHostClient.js';
export { reconnectKitKeys } from './queryKeys.js';
export { bindHostApi } from './hostApiBinding.js';
export { connectionQueryOptions, connectionsQueryOptions, type KitQueryOptions, type KitQueryOptionsInput } from './queryOptions.js';
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
  type WidgetUrlErrorKind,
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
export {
  PROMPT_STATE_INFO,
  PROMPT_STATES,
  promptStateInfo,
  type PromptActionEffect,
  type PromptActionId,
  type PromptOffer,
  type PromptState,
  type PromptStateInfo,
} from './promptStates.js';
export {
  initialSnapshot,
  isFlowBusy,
  observationKey,
  SESSION_MAX_AGE_MS,
  SOFT_SNOOZE_MS,
  transition,
  VERIFIED_VISIBLE_MS,
  type EmittedEvent,
  type FlowSnapshot,
  type PromptFailure,
  type PromptVariant,
  type ReconnectEffect,
  type ReconnectEvent,
  type ReconnectFlowStatus,
  type ReconnectSnapshot,
  type RefreshSnapshot,
  type Transition,
  type WidgetMode,
} from './reconnectMachine.js';
export { derivePrompt, isPromptDue, isRenewalPromptDue, type DerivedAction, type DerivedPrompt, type PromptViewOptions } from './derivePrompt.js';
export {
  createReconnectController,
  type ClockPort,
  type ReconnectController,
  type ReconnectControllerOptions,
  type ReconnectPorts,
  type StartOptions,
  type VerifyRequest,
  type WidgetLaunch,
  type WidgetLaunchHandlers,
  type WidgetLauncherPort,
} from './createReconnectController.js';
export {
  openMeldWidget,
  WIDGET_IFRAME_ALLOW,
  WIDGET_IFRAME_SANDBOX,
  type MeldWidgetHandle,
  type OpenMeldWidgetOptions,
  type WidgetCloseReason,
  type WidgetKitEvent,
} from './openMeldWidget.js';
export { WidgetError, type WidgetErrorKind } from './WidgetError.js';
export { preparePopup, type PreparedPopup, type PreparePopupOptions } from './preparePopup.js';
export { saveRedirectState, takeRedirectState, type RedirectState, type TakeRedirectStateOptions } from './redirectState.js';
