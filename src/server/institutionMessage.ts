// The bank's own words for the customer. Meld's Connection and its
// STATUS_CHANGE payload have no message field; Meld says
// `serviceProviderDetails` explains what caused a status. The host backend
// reads a message from there, in the provider's own shape, and sends the
// browser a derived `institutionMessage` (plain text).
import { isObject, safeText } from './sanitize.js';

/** What a message is read from: a connection, or a STATUS_CHANGE payload's new status. */
export interface InstitutionMessageSource {
  status: string;
  statusReason: string | null | undefined;
  /** As Meld sent it (provider-specific). */
  serviceProviderDetails: Record<string, unknown> | null | undefined;
}

/**
 * Reads the customer-facing message for a connection, or `undefined` for
 * none. Plug your own into `createReconnectHandler({ institutionMessage })`
 * and `createWebhookHandler({ institutionMessage })` when your providers put
 * it elsewhere; return plain text (at most 1000 characters are kept).
 */
export type InstitutionMessageReader = (source: InstitutionMessageSource) => string | undefined;

/**
 * The customer-facing message in a provider's `serviceProviderDetails`, in
 * the shapes the kit knows:
 *
 * - Plaid: `error.display_message`, Plaid's text meant for the customer
 *   (Meld's STATUS_CHANGE example carries Plaid's whole `error` object).
 *   `error.error_message` is for developers and is never read.
 *
 * Any other shape yields `undefined`, and the browser shows the kit's own
 * wording for the status. Never throws; the text is cleaned of control
 * characters and bounded.
 */
export function readInstitutionMessage(serviceProviderDetails: unknown): string | undefined {
  if (!isObject(serviceProviderDetails)) return undefined;
  const error = serviceProviderDetails.error;
  if (isObject(error)) return safeText(error.display_message);
  return undefined;
}

/**
 * The handlers' default: the message of a DEGRADED + INSTITUTION_ACTION_REQUIRED
 * connection (the one row whose recommended action is to forward the bank's
 * message), read with {@link readInstitutionMessage}. No other status sends one.
 */
export const defaultInstitutionMessage: InstitutionMessageReader = (source) =>
  source.status === 'DEGRADED' && source.statusReason === 'INSTITUTION_ACTION_REQUIRED'
    ? readInstitutionMessage(source.serviceProviderDetails)
    : undefined;

/** Runs a reader (the default, the host's, or none with `false`); a reader that throws yields no message. */
export function deriveInstitutionMessage(
  reader: InstitutionMessageReader | false | undefined,
  source: InstitutionMessageSource,
  onError: (error: unknown) => void,
): string | undefined {
  if (reader === false) return undefined;
  try {
    return safeText((reader ?? defaultInstitutionMessage)(source));
  } catch (error) {
    onError(error);
    return undefined;
  }
}
