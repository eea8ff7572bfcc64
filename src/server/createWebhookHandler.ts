import { BoundedSet } from './boundedSet.js';
import type { EventBus } from './EventBus.js';
import type { MeldClient } from './createMeldClient.js';
import { defaultEventBus } from './createMemoryEventBus.js';
import { errorResponse, json, methodNotAllowed } from './httpResponses.js';
import { deriveInstitutionMessage, type InstitutionMessageReader } from './institutionMessage.js';
import { isCustomerId, isId, isObject, REREAD_EVENTS, STATUS_CHANGE, toBrowserEvent, type Json } from './sanitize.js';
import { verifyMeldWebhook } from './verifyMeldWebhook.js';

/** A verified webhook from Meld: `{ eventType, eventId, timestamp, accountId, profileId, version, payload }`. */
export interface MeldWebhookEvent {
  eventType: string;
  eventId: string;
  timestamp?: string | undefined;
  accountId?: string | undefined;
  profileId?: string | null | undefined;
  version?: string | undefined;
  payload: Record<string, unknown>;
  [field: string]: unknown;
}

/** Where in the pipeline a webhook failed, for {@link WebhookHandlerOptions.onError}. */
export type WebhookErrorPhase = 'onEvent' | 'enrich' | 'lookup' | 'publish' | 'dropped';

/** Context passed to {@link WebhookHandlerOptions.onError}. */
export interface WebhookErrorContext {
  phase: WebhookErrorPhase;
  eventId: string;
  eventType: string;
  /** Whether Meld was answered with an error (and will retry). */
  retried: boolean;
}

/** Options for {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** The webhook secret from Meld's dashboard. */
  secret: string;
  /** The webhook URL exactly as registered with Meld: it is part of what Meld signs. */
  url: string;
  /** Where status changes go (the reconnect handler's bus). Defaults to the process-wide memory bus. */
  bus?: EventBus | undefined;
  /**
   * Called once per verified, new event (every type; deduplicated by
   * `eventId`). Keep it quick: queue slow work. If it throws before the
   * answer, Meld gets a 500 and retries, so make it idempotent.
   */
  onEvent?: ((event: MeldWebhookEvent, request: Request) => void | Promise<void>) | undefined;
  /**
   * Where the bank's message for the customer comes from (Meld's payload has
   * no message field). By default it is read for DEGRADED +
   * INSTITUTION_ACTION_REQUIRED from the payload's `serviceProviderDetails`
   * (see `readInstitutionMessage`) and pushed as `institutionMessage`. Pass
   * your own reader, or `false` for none.
   */
  institutionMessage?: InstitutionMessageReader | false | undefined;
  /**
   * Adds to a STATUS_CHANGE before it is pushed: an `institutionMessage`
   * returned here (plain text, at most 1000 characters) wins over the derived one.
   */
  enrich?: ((event: MeldWebhookEvent) => { institutionMessage?: string | undefined } | undefined | Promise<{ institutionMessage?: string | undefined } | undefined>) | undefined;
  /**
   * Reads connections from Meld: for BANK_LINKING_CUSTOMER_ACTION_REQUIRED and
   * BANK_LINKING_NEW_ACCOUNTS_AVAILABLE (Meld documents no payload for them,
   * so the handler reads the connection and pushes its status), and to find
   * the customer of an event that names none. Without it such events are
   * dropped from the live stream and reported to `onError` as `dropped`.
   */
  meld?: MeldClient | undefined;
  /** Allowed clock skew of `meld-signature-timestamp`. Defaults to 300 s. */
  toleranceSeconds?: number | undefined;
  /** How many event ids are remembered for deduplication. Defaults to 10 000. */
  dedupeSize?: number | undefined;
  /** Meld retries after 10 s: after this long the handler answers 200 and finishes in the background. Defaults to 5000 ms. */
  ackTimeoutMs?: number | undefined;
  /** Larger bodies are refused (413). Defaults to 256 KiB. */
  maxBodyBytes?: number | undefined;
  /** For your logs. */
  onError?: ((error: unknown, context: WebhookErrorContext) => void) | undefined;
}

/** A fetch-standard webhook endpoint. */
export type WebhookHandler = (request: Request) => Promise<Response>;

async function readBytes(request: Request, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) return undefined;
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

class Timeout {
  constructor(readonly ms: number) {}
}

/**
 * Makes Meld's webhook endpoint as a fetch-standard handler: verifies the
 * signature (401 and nothing published when it fails), deduplicates by
 * `eventId` (bounded memory; across instances too when the bus can claim
 * events), calls `onEvent`, and publishes to the bus for the customer's
 * `/events` streams, reduced to checked fields: STATUS_CHANGE (with the
 * bank's message derived from `serviceProviderDetails`), CONNECTION_DELETED,
 * CUSTOMER_ACTION_REQUIRED and NEW_ACCOUNTS_AVAILABLE (the connection re-read
 * from Meld), ACCOUNTS_UPDATED and TRANSACTIONS_AGGREGATED (freshness only).
 * Every other event type is accepted (200) and passed to `onEvent` only.
 * Answers 200 within `ackTimeoutMs` (Meld retries after 10 s); a failure
 * before that answers 500 so Meld retries.
 *
 * @example
 * // app/api/meld/webhooks/route.ts
 * export const POST = createWebhookHandler({
 *   secret: process.env.MELD_WEBHOOK_SECRET!,
 *   url: 'https://example.com/api/meld/webhooks',
 * });
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  if (typeof options?.secret !== 'string' || options.secret.length === 0) {
    throw new TypeError("meld-reconnect-kit/server: createWebhookHandler needs { secret }: the webhook secret from Meld's dashboard, e.g. process.env.MELD_WEBHOOK_SECRET.");
  }
  if (typeof options.url !== 'string' || !URL.canParse(options.url)) {
    throw new TypeError(
      "meld-reconnect-kit/server: createWebhookHandler needs { url }: the webhook URL exactly as registered with Meld (it is part of the signature), e.g. 'https://example.com/api/meld/webhooks'.",
    );
  }
  const { secret, url } = options;
  const bus = options.bus ?? defaultEventBus();
  const seen = new BoundedSet<string>(options.dedupeSize ?? 10_000);
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const report = (error: unknown, context: WebhookErrorContext) => {
    try {
      options.onError?.(error, context);
    } catch {
      // a logger that throws must not change the answer
    }
  };

  /** Everything after verification; a throw means Meld should retry. */
  async function handle(event: MeldWebhookEvent, request: Request, failed: (phase: WebhookErrorPhase) => void): Promise<void> {
    failed('onEvent');
    await options.onEvent?.(event, request);

    const context = { eventId: event.eventId, eventType: event.eventType, retried: false };
    const derive = (status: unknown, statusReason: unknown, serviceProviderDetails: unknown) =>
      typeof status === 'string'
        ? deriveInstitutionMessage(
            options.institutionMessage,
            {
              status,
              statusReason: typeof statusReason === 'string' ? statusReason : null,
              serviceProviderDetails: isObject(serviceProviderDetails) ? serviceProviderDetails : null,
            },
            (error) => report(error, { ...context, phase: 'enrich' }),
          )
        : undefined;

    let envelope: Json = event as Json;
    let message: string | undefined;
    if (REREAD_EVENTS.has(event.eventType)) {
      // No documented payload: what the connection says now is the news.
      const connectionId = event.payload.connectionId;
      if (!isId(connectionId)) {
        report(new Error(`${event.eventType} without a valid connectionId; not pushed`), { ...context, phase: 'dropped' });
        return;
      }
      if (!options.meld) {
        report(new Error(`${event.eventType} carries no documented status; pass { meld } to createWebhookHandler so it can read the connection. Not pushed.`), {
          ...context,
          phase: 'dropped',
        });
        return;
      }
      failed('lookup');
      const connection = await options.meld.getConnection(connectionId);
      envelope = {
        ...event,
        payload: {
          connectionId,
          externalCustomerId: connection.externalCustomerId,
          institutionId: connection.institutionId,
          newStatus: connection.status,
          newStatusReason: connection.statusReason ?? null,
          activeDuplicateConnectionId: connection.activeDuplicateConnectionId,
          serviceProviderDetails: connection.serviceProviderDetails,
          successfullyAggregatedAt: connection.successfullyAggregatedAt,
        },
      };
      message = derive(connection.status, connection.statusReason, connection.serviceProviderDetails);
    } else if (event.eventType === STATUS_CHANGE) {
      message = derive(event.payload.newStatus, event.payload.newStatusReason, event.payload.serviceProviderDetails);
      if (options.enrich) {
        failed('enrich');
        const extra = await options.enrich(event);
        if (isObject(extra) && typeof extra.institutionMessage === 'string') message = extra.institutionMessage;
      }
    }
    const routed = toBrowserEvent(envelope, message);
    if (routed === null) return; // nothing for the browser (accepted, and onEvent saw it)
    if (routed === undefined) {
      report(new Error(`a ${event.eventType} event without a valid connectionId or status; not pushed`), { ...context, phase: 'dropped' });
      return;
    }
    let customer = routed.externalCustomerId;
    if (customer === undefined) {
      if (!options.meld) {
        report(new Error('an event without externalCustomerId and no { meld } client to look it up; not pushed'), { ...context, phase: 'dropped' });
        return;
      }
      failed('lookup');
      const connection = await options.meld.getConnection(routed.event.payload.connectionId);
      if (!isCustomerId(connection.externalCustomerId)) {
        report(new Error('the connection has no externalCustomerId; not pushed'), { ...context, phase: 'dropped' });
        return;
      }
      customer = connection.externalCustomerId;
    }
    failed('publish');
    await bus.publish(customer, routed.event);
  }

  return async (request: Request): Promise<Response> => {
    if (request.method.toUpperCase() !== 'POST') return methodNotAllowed('POST');
    const body = await readBytes(request, maxBodyBytes);
    if (!body) return errorResponse(413, { code: 'PAYLOAD_TOO_LARGE', message: `Webhook bodies are limited to ${maxBodyBytes} bytes.` });
    const valid = await verifyMeldWebhook({ secret, url, rawBody: body, headers: request.headers, toleranceSeconds: options.toleranceSeconds });
    if (!valid) return errorResponse(401, { code: 'INVALID_SIGNATURE', message: 'The signature or its timestamp is not valid.' });

    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed) || typeof parsed.eventType !== 'string' || !isId(parsed.eventId) || !isObject(parsed.payload)) {
      return errorResponse(400, { code: 'BAD_REQUEST', message: 'Expected a webhook envelope with eventType, eventId and payload.' });
    }
    const event = parsed as MeldWebhookEvent;
    const { eventId } = event;

    if (seen.has(eventId)) return json(200, { received: true, duplicate: true });
    seen.add(eventId);
    let claimed = false;
    try {
      if (bus.claimEvent) {
        if (!(await bus.claimEvent(eventId))) return json(200, { received: true, duplicate: true });
        claimed = true;
      }
    } catch (error) {
      // Without the shared claim, fall back to this instance's memory: the browser deduplicates too.
      report(error, { phase: 'publish', eventId, eventType: event.eventType, retried: false });
    }

    let phase: WebhookErrorPhase = 'onEvent';
    const work = handle(event, request, (next) => void (phase = next));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<Timeout>((resolve) => {
      timer = setTimeout(() => resolve(new Timeout(ackTimeoutMs)), ackTimeoutMs);
    });
    try {
      const outcome = await Promise.race([work, deadline]);
      if (outcome instanceof Timeout) {
        // Too slow for Meld's 10 s: answer now, finish (or report) in the background.
        work.catch((error: unknown) => report(error, { phase, eventId, eventType: event.eventType, retried: false }));
      }
      return json(200, { received: true });
    } catch (error) {
      // Forget the event so Meld's retry is processed again.
      seen.delete(eventId);
      if (claimed) await bus.releaseEvent?.(eventId).catch(() => undefined);
      report(error, { phase, eventId, eventType: event.eventType, retried: true });
      return errorResponse(500, { code: 'WEBHOOK_FAILED', message: 'Processing failed; retry later.' });
    } finally {
      clearTimeout(timer);
    }
  };
}
