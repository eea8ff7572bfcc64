// POST {base}/repair-links/redeem: a signed repair link, redeemed once by
// the customer it was made for. Internal: createReconnectHandler mounts it.
import type { Connection } from '../core/types.js';
import { errorResponse, json, repairLinkInvalid } from './httpResponses.js';
import type { MeldConnection } from './meldTypes.js';
import type { RateLimiter } from './rateLimiter.js';
import type { RepairLinks } from './repairLinks.js';
import { readBoundedText } from './requestGuards.js';
import { isObject } from './sanitize.js';

/** `{ "token": "..." }` with a 220-character token, and room for whitespace. */
const MAX_REDEEM_BODY_BYTES = 1024;

/** What the route needs from the handler. */
export interface RedeemContext {
  links: RepairLinks;
  limiter: RateLimiter | undefined;
  /** The caller's connection, or undefined when it is unknown or someone else's; throws on Meld's failures. */
  owned(connectionId: string): Promise<MeldConnection | undefined>;
  /** The connection as `GET /connections/:id` answers it. */
  toAnswer(connection: MeldConnection): Promise<Connection | undefined>;
}

/** A RepairLinks as the handler uses it; throws a TypeError naming the fix otherwise. */
export function checkRepairLinks(value: unknown): RepairLinks | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || typeof value.verify !== 'function' || typeof value.redeem !== 'function') {
    throw new TypeError(
      "meld-reconnect-kit/server: createReconnectHandler's repairLinks is what createRepairLinks returns, e.g. repairLinks: createRepairLinks({ secret: process.env.REPAIR_LINK_SECRET! }).",
    );
  }
  return value as unknown as RepairLinks;
}

/**
 * Verify the tag for this caller, then the expiry, then read the connection
 * from Meld and check it is the caller's, then use the link up, then answer.
 * Every refusal is the same 404; a token whose tag fails never reaches Meld.
 * Meld's failures throw (the handler answers 502/504) before the link is
 * used, so the customer can try again.
 */
export async function redeemRepairLink(request: Request, customer: string, context: RedeemContext): Promise<Response> {
  const decision = context.limiter ? await context.limiter.take(customer, customer) : { allowed: true as const };
  if (!decision.allowed) {
    return errorResponse(429, { code: 'RATE_LIMITED', message: 'Too many attempts. Try again later.' }, { 'retry-after': String(decision.retryAfterSeconds) });
  }
  const text = await readBoundedText(request, MAX_REDEEM_BODY_BYTES);
  if (typeof text !== 'string') return repairLinkInvalid();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return repairLinkInvalid();
  }
  const token = isObject(body) ? body.token : undefined;
  const link = context.links.verify(token, customer);
  if (!link) return repairLinkInvalid();
  const connection = await context.owned(link.connectionId);
  if (!connection || connection.status === 'DELETED') return repairLinkInvalid();
  // The answer is made before the link is used, so a malformed connection does not spend it.
  const answer = await context.toAnswer(connection);
  if (!answer) return errorResponse(502, { code: 'MELD_BAD_RESPONSE', message: 'The bank-linking service sent a malformed connection.' });
  if (!(await context.links.redeem(token, customer))) return repairLinkInvalid();
  return json(200, { connectionId: link.connectionId, connection: answer });
}
