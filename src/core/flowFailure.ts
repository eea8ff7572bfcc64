import { HostApiError, OperationNotAllowedError } from './HostApiError.js';
import { WidgetUrlError } from './WidgetUrlError.js';
import { WidgetError } from './WidgetError.js';

/**
 * Why a reconnect flow failed, in words a UI can map to copy:
 * - `not-found`: the host does not know the connection (404)
 * - `cannot-repair`: Meld will not repair it (409, or a status that forbids it); start a new connection
 * - `still-broken`: the customer finished but the connection is still broken
 * - `unsafe-widget-url`: the host sent a widget URL the kit refused to open
 * - `widget-error`: Meld's widget reported an error
 * - `rate-limited`, `unauthorized`: the host refused for now / for this session
 * - `unavailable`: network, timeout, 5xx or a malformed answer, or the browser
 *   could not show the widget (`WidgetError` of kind `launch-failed`); try again
 */
export type ReconnectFlowFailure =
  | 'not-found'
  | 'cannot-repair'
  | 'still-broken'
  | 'unsafe-widget-url'
  | 'widget-error'
  | 'rate-limited'
  | 'unauthorized'
  | 'unavailable';

/** Maps an error from any step of the flow to a {@link ReconnectFlowFailure}. */
export function classifyFlowError(error: unknown): ReconnectFlowFailure {
  if (error instanceof OperationNotAllowedError) return 'cannot-repair';
  if (error instanceof WidgetUrlError) return 'unsafe-widget-url';
  if (error instanceof HostApiError) {
    if (error.kind === 'not-found') return 'not-found';
    if (error.kind === 'conflict') return 'cannot-repair';
    if (error.kind === 'rate-limited') return 'rate-limited';
    if (error.kind === 'unauthorized') return 'unauthorized';
    return 'unavailable';
  }
  if (error instanceof WidgetError && error.kind === 'widget-error') return 'widget-error';
  return 'unavailable';
}
