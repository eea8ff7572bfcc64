// `serviceProviderDetails` as the simulator fills it. Meld documents the
// field only as "service provider specific details"; its STATUS_CHANGE example
// carries Plaid's own error object (`error.error_code`, `error.display_message`
// and so on). The simulator plays a Plaid connection and writes the bank's
// message where Plaid puts a customer-facing one: `error.display_message`.
import { randomId } from './statusRules.js';

/** The provider simulated connections name (one of the OpenAPI's providers). */
export const SIMULATED_SERVICE_PROVIDER = 'PLAID';

type Details = Record<string, unknown>;

/** What a new connection's details hold: the provider and its own id for the connection. */
export function initialProviderDetails(): Details {
  return { serviceProvider: SIMULATED_SERVICE_PROVIDER, serviceProviderConnectionId: randomId() };
}

/**
 * Plaid error codes for the rows the simulator can explain. Only codes Plaid
 * documents, and only where the match is clear; other rows carry no error.
 */
const PLAID_ERRORS: Readonly<Record<string, { code: string; message: string }>> = {
  'RECONNECT_REQUIRED:LOGIN_REQUIRED': {
    code: 'ITEM_LOGIN_REQUIRED',
    message: 'the login details of this item have changed and a user login is required (simulated)',
  },
  'DEGRADED:INSTITUTION_ACTION_REQUIRED': {
    code: 'USER_SETUP_REQUIRED',
    message: 'the user must log in at the institution to complete an action there (simulated)',
  },
};

/**
 * The details after a status change: the provider's keys stay, the error
 * matches the new status, and a message for the customer (when given) goes
 * into `error.display_message`.
 */
export function detailsForStatus(details: Details | null | undefined, status: string, reason: string | null, message?: string): Details | null | undefined {
  if (details === null || details === undefined) {
    if (!message) return details;
    details = initialProviderDetails();
  }
  const { error: _previous, ...rest } = details;
  const known = PLAID_ERRORS[`${status}:${reason ?? ''}`];
  if (!known && !message) return rest;
  return {
    ...rest,
    error: {
      error_type: 'ITEM_ERROR',
      error_code: known?.code ?? 'INTERNAL_SERVER_ERROR',
      error_message: known?.message ?? 'the institution reported a problem (simulated)',
      display_message: message ?? null,
      request_id: null,
      causes: null,
      status: 400,
      documentation_url: null,
      suggested_action: null,
    },
  };
}

/** What events other than STATUS_CHANGE carry (the guide's examples): provider and its connection id only. */
export function reducedProviderDetails(details: Details | null | undefined): Details | null {
  if (!details) return null;
  const out: Details = {};
  if (details.serviceProvider !== undefined) out.serviceProvider = details.serviceProvider;
  if (details.serviceProviderConnectionId !== undefined) out.serviceProviderConnectionId = details.serviceProviderConnectionId;
  return out;
}

/** The message the simulator stored for the customer, if any (for its control page). */
export function storedMessage(details: Details | null | undefined): string | undefined {
  const error = details?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const message = (error as Details).display_message;
  return typeof message === 'string' ? message : undefined;
}
