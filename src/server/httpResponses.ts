// Answers in the host endpoint contract's shape: JSON, never cached, errors
// as { code, message, requestId?, displayMessage? }.
import type { MeldApiError } from './MeldApiError.js';
import { isEnum, isId, safeText } from './sanitize.js';

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  // Answers are per customer: no shared cache may keep them.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** A contract error body. */
export interface ErrorBody {
  code: string;
  message: string;
  requestId?: string;
  displayMessage?: string;
}

/** A JSON answer, never cached. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { ...BASE_HEADERS, ...headers } });
}

/** 204, never cached. */
export function noContent(): Response {
  return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
}

/** An error in the contract's shape. */
export function errorResponse(status: number, body: ErrorBody, headers: Record<string, string> = {}): Response {
  return json(status, body, headers);
}

// The fixed answers, identical whatever the reason (a 404 never hints that an id exists).
export const unauthorized = () => errorResponse(401, { code: 'UNAUTHORIZED', message: 'Sign in to manage bank connections.' });
export const connectionNotFound = () => errorResponse(404, { code: 'CONNECTION_NOT_FOUND', message: 'No such connection.' });
export const routeNotFound = () => errorResponse(404, { code: 'NOT_FOUND', message: 'No such route.' });
export const badRequest = (message: string) => errorResponse(400, { code: 'BAD_REQUEST', message });
export const methodNotAllowed = (allow: string) =>
  errorResponse(405, { code: 'METHOD_NOT_ALLOWED', message: `Use ${allow}.` }, { allow });
export const internalError = () => errorResponse(500, { code: 'INTERNAL', message: 'Something went wrong on our side.' });
export const payloadTooLarge = (maxBytes: number) =>
  errorResponse(413, { code: 'PAYLOAD_TOO_LARGE', message: `Bodies are limited to ${maxBytes} bytes.` });
export const originNotAllowed = () =>
  errorResponse(403, {
    code: 'ORIGIN_NOT_ALLOWED',
    message: "Changes are accepted from this site's own pages only. Another origin must be listed in the handler's allowedOrigins.",
  });
/** Every refused repair link, whatever the reason (malformed, tampered, expired, used, someone else's). */
export const repairLinkInvalid = () =>
  errorResponse(404, { code: 'REPAIR_LINK_INVALID', message: 'This link can no longer be used. Open the app to reconnect your bank.' });
export const unsupportedMediaType = () =>
  errorResponse(415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send content-type: application/json.' });

/**
 * Meld's failure as the browser may see it: the status mapped onto the
 * contract, Meld's `code`, `requestId` and `displayMessage` when they are
 * safe, and our own message. Never Meld's message or internals.
 */
export function meldErrorResponse(error: MeldApiError): Response {
  const extra: Partial<ErrorBody> = {};
  if (isId(error.requestId)) extra.requestId = error.requestId;
  const display = safeText(error.displayMessage, 500);
  if (display) extra.displayMessage = display;
  const code = (fallback: string) => (isEnum(error.code) ? error.code : fallback);

  if (error.kind === 'timeout') {
    return errorResponse(504, { code: 'MELD_TIMEOUT', message: 'The bank-linking service did not answer in time. Try again.', ...extra });
  }
  if (error.kind !== 'http') {
    return errorResponse(502, { code: 'MELD_UNAVAILABLE', message: 'The bank-linking service is unavailable. Try again later.', ...extra });
  }
  const status = error.status ?? 502;
  if (status === 404) return errorResponse(404, { code: 'CONNECTION_NOT_FOUND', message: 'No such connection.', ...extra });
  if (status === 409) {
    return errorResponse(409, { code: code('CONFLICT'), message: "The connection's status does not allow this.", ...extra });
  }
  if (status === 429) {
    const retryAfter = String(Math.max(1, Math.min(86_400, error.retryAfter ?? 60)));
    return errorResponse(429, { code: code('MELD_RATE_LIMITED'), message: 'Too many requests for this connection. Try again later.', ...extra }, { 'retry-after': retryAfter });
  }
  if (status === 401 || status === 403) {
    // Our key was refused: the customer is signed in, so this is not a 401 for the browser.
    return errorResponse(502, { code: 'MELD_AUTH_FAILED', message: 'The bank-linking service refused this server. Try again later.', ...extra });
  }
  if (status >= 400 && status < 500) {
    return errorResponse(400, { code: code('BAD_REQUEST'), message: 'The bank-linking service rejected this request.', ...extra });
  }
  return errorResponse(502, { code: 'MELD_UNAVAILABLE', message: 'The bank-linking service is unavailable. Try again later.', ...extra });
}
