/**
 * `meld-reconnect-kit/testing`: test Meld bank linking without Meld.
 *
 * - {@link createMeldSimulator}: a local Meld for Node (the API, a widget
 *   page on its own origin, signed webhooks, a control API and page), so a
 *   host can test its backend and its reconnect flow end to end. Meld's
 *   sandbox cannot exercise repair at all.
 * - {@link hostApiHandlers}: MSW 2 handlers for the host endpoint contract,
 *   for UI tests in Node (Vitest, Jest). It loads `msw` 2 (an optional peer
 *   dependency of the kit) on its first call; the simulator never needs it.
 *   In browser code (Storybook, a mock page) use `meld-reconnect-kit/testing/msw`.
 *
 * Node only: a browser bundle that imports this entry fails to build (the
 * package's `browser` export condition). For tests and development only;
 * never ship it.
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
export { hostApiHandlers } from './hostApiHandlers.js';
export {
  type HostApiHandlers,
  type HostApiHandlersOptions,
  type HostApiRequest,
  type HostApiRoute,
  type HostRedeemAnswer,
  type HostRefreshAnswer,
  type HostRepairAnswer,
  type PerConnection,
} from './createHostApiHandlers.js';
export { MeldTestingError, type MeldTestingErrorCode, type MeldTestingErrorKind } from './MeldTestingError.js';
