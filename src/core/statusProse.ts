/**
 * Meld's developer-facing prose for each row of seed 001, keyed like the
 * decision table (`STATUS` or `STATUS:REASON`). Kept apart from the decisions
 * so that a host which only needs decisions does not bundle it.
 *
 * Each value is `[description, recommended developer action]`, as Meld publishes them.
 */
export const STATUS_PROSE: Readonly<Record<string, readonly [string, string]>> = {
  IN_PROGRESS: [
    'Customer is in the process of connecting within the widget.',
    'Wait for the widget flow to finish; do not call refresh or repair.',
  ],
  EXPIRED: [
    'Customer abandoned the widget or did not complete the connection in 4 hours.',
    'Terminal. Create a new connection if the customer returns.',
  ],
  ACTIVE: [
    'Connection completed and is healthy. Wait for webhooks to know when aggregation finishes.',
    'Normal operation. Listen for BANK_LINKING_ACCOUNTS_UPDATED and BANK_LINKING_TRANSACTIONS_AGGREGATED.',
  ],
  'ACTIVE:ACCESS_EXPIRING_SOON': [
    'Access will expire eventually. Customer can reconnect to prevent expiry.',
    'Prompt the customer to reconnect in your UI; call the repair endpoint to generate a connect token.',
  ],
  'ACTIVE:NEW_ACCOUNTS_AVAILABLE': [
    'New accounts can be added if the customer reconnects.',
    'Optionally surface a "link new accounts" prompt and call the repair endpoint.',
  ],
  'PARTIALLY_ACTIVE:PARTIAL_AGGREGATION_SUCCESS': [
    'Aggregation was partially successful; some data or products are missing.',
    'Refresh to try again; if it persists, repair the connection.',
  ],
  'PARTIALLY_ACTIVE:INACTIVE_DUPLICATE': [
    'The connection is a duplicate of another connection through the same service provider. See Duplicate Connections.',
    'Decide whether to keep this duplicate. Delete it if unused; otherwise refresh to promote it to ACTIVE.',
  ],
  'DEGRADED:INSTITUTION_CURRENTLY_UNAVAILABLE': [
    'Temporary institution issues.',
    'Retry later with exponential backoff; do not prompt the customer immediately.',
  ],
  'DEGRADED:INSTITUTION_ACTION_REQUIRED': [
    "Customer action with their institution is required before a refresh can succeed (e.g., re-authorize access in the bank's app).",
    'Forward the message from the BANK_LINKING_CONNECTION_STATUS_CHANGE webhook to the customer; then refresh.',
  ],
  'DEGRADED:SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE': [
    'Service provider is experiencing issues.',
    'Retry later. If persistent, contact Meld support.',
  ],
  'DEGRADED:INTERACTIVE_REFRESH': [
    'Customer participation is required for every refresh on this provider/institution.',
    'Avoid scheduled refreshes; only refresh in response to a customer action that returns them to your UI.',
  ],
  'RECONNECT_REQUIRED:LOGIN_REQUIRED': [
    'Credentials changed or MFA is required.',
    'Send the customer through the repair flow.',
  ],
  'RECONNECT_REQUIRED:REPAIRING_INSTITUTION': [
    "Institution is being repaired on the provider's side.",
    'Continue to attempt reconnects periodically until the institution is back.',
  ],
  'RECONNECT_REQUIRED:TOKEN_EXPIRED': [
    "Service provider's connection with the institution expired and needs re-authentication.",
    'Send the customer through the repair flow.',
  ],
  'RECONNECT_REQUIRED:OTHER': [
    'Various other reasons requiring reconnection.',
    'Inspect serviceProviderDetails for specifics; send the customer through the repair flow.',
  ],
  'UNRECOVERABLE:CONTINUED_AGGREGATION_FAILURES': [
    'Aggregation has failed at least three times and has not succeeded for at least two weeks.',
    'Treat as broken. Optionally invite the customer to start a fresh connection.',
  ],
  'UNRECOVERABLE:INSTITUTION_DISABLED': [
    'The institution is no longer supported by the provider.',
    'Direct the customer to connect a different institution or via a different provider via routing.',
  ],
  'UNRECOVERABLE:OTHER': [
    'Various other reasons that have made the connection unrecoverable.',
    'Inspect serviceProviderDetails; consider creating a new connection.',
  ],
  'UNDETERMINED:AGGREGATION_TIMEOUT': [
    'A timeout prevented the service provider aggregation from completing.',
    'Retry the refresh after a short delay.',
  ],
  'UNDETERMINED:SUBMIT_SERVICE_PROVIDER_TICKET': [
    'Submit a ticket to the provider; Meld cannot resolve.',
    'Open a ticket with the underlying service provider; retry the refresh after they confirm a fix.',
  ],
  'UNDETERMINED:UNKNOWN_SERVICE_PROVIDER_ERROR_CODE': [
    'A provider error code Meld has not seen before.',
    'Notify Meld support with the connectionId and the raw provider error; retry the refresh.',
  ],
  'UNDETERMINED:INTERNAL_ERROR': [
    'Meld internal error.',
    'Notify Meld support; retry the refresh.',
  ],
  DELETED: [
    'Connection was deleted.',
    'Terminal. Start a new connection if the customer wants to reconnect.',
  ],
  // Not in seed 001: from Meld's webhook guide (STATUS_CHANGE, "what to do"), in our words.
  CUSTOMER_ACTION_REQUIRED: [
    'The customer must act before the connection works again. Named only by Meld\'s webhook guide, which publishes no reasons for it.',
    'Send the customer through the repair flow, as for RECONNECT_REQUIRED.',
  ],
};

/** Shown for a status or reason outside Meld's published table. */
export const UNKNOWN_STATUS_PROSE: readonly [string, string] = [
  'A status or reason that is not in Meld\'s published table (Meld may have added it).',
  'Offer no refresh, repair or update; inspect serviceProviderDetails and check Meld\'s documentation.',
];
