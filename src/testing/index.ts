/**
 * `meld-reconnect-kit/testing`: test Meld bank linking without Meld.
 *
 * - {@link createMeldSimulator}: a local Meld for Node (the API, a widget
 *   page on its own origin, signed webhooks, a control API and page), so a
 *   host can test its backend and its reconnect flow end to end. Meld's
 *   sandbox cannot exercise repair at all.
 * - {@link hostApiHandlers}: MSW 2 handlers for the host endpoint contract,
 *   for UI tests (Vitest, Jest) and Storybook.
 *
 * Needs `msw` 2 installed (an optional peer dependency of the kit). For tests
 * and development only; never ship it.
 *
 * @packageDocumentation
 */
export { createMeldSimulator } from './createMeldSimulator.js';
export type {
  FailNextOptions,
  MeldConnection,
  MeldSimulator,
  MeldSimulatorOptions,
  MeldWebhookEnvelope,
  RefreshScript,
  SimulatedConnectionSeed,
  SimulatedOperation,
  SimulatedRequest,
  WebhookDelivery,
  WebhookDeliveryState,
  WidgetBehaviour,
  WidgetScriptOptions,
} from './simulatorTypes.js';
export { WIDGET_BEHAVIOURS } from './SimulatorCore.js';
export {
  hostApiHandlers,
  type HostApiHandlers,
  type HostApiHandlersOptions,
  type HostApiRequest,
  type HostApiRoute,
  type HostRefreshAnswer,
  type HostRepairAnswer,
  type PerConnection,
} from './hostApiHandlers.js';
export { MeldTestingError, type MeldTestingErrorCode, type MeldTestingErrorKind } from './MeldTestingError.js';
