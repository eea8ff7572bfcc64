// Sends Meld's webhooks: envelope, fresh eventId, signature headers, one
// connection's events in order, a record of every delivery.
import { MELD_API_VERSION } from '../server/createMeldClient.js';
import type { SignMeldWebhookOptions } from '../server/verifyMeldWebhook.js';
import type { MeldWebhookEnvelope, WebhookDelivery } from './simulatorTypes.js';
import { randomId } from './statusRules.js';

/** What the sender needs from the simulator. */
export interface WebhookSenderOptions {
  secret: string;
  accountId: string;
  /** The webhook profile's id (a string, as Meld's envelopes carry). */
  profileId: string;
  /** Where webhooks go right now (read when each one leaves). */
  url: () => string | undefined;
  delayMs: number;
  timeoutMs: number;
  sign: (options: SignMeldWebhookOptions) => string;
  log: (line: string) => void;
}

/** Options of one webhook. */
export interface SendOptions {
  connectionId?: string | undefined;
  /** Overrides the simulator's `webhookDelayMs` for this one. */
  delayMs?: number | undefined;
}

interface Waiter {
  timer: ReturnType<typeof setTimeout>;
  resolve: () => void;
}

/** A webhook queue per connection; `reset()` and `close()` cancel what has not left. */
export class WebhookSender {
  readonly #options: WebhookSenderOptions;
  readonly #deliveries: WebhookDelivery[] = [];
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #waiters = new Set<Waiter>();
  readonly #controllers = new Set<AbortController>();
  readonly #pending = new Set<Promise<unknown>>();
  #generation = 0;

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
  }

  deliveries(): WebhookDelivery[] {
    return this.#deliveries.map((delivery) => structuredClone(delivery));
  }

  /** Sends `eventType` with `payload` after the delay; resolves with the outcome. */
  send(eventType: string, payload: Record<string, unknown>, options: SendOptions = {}): Promise<WebhookDelivery> {
    const envelope: MeldWebhookEnvelope = {
      eventType,
      eventId: randomId(),
      timestamp: new Date().toISOString(),
      accountId: this.#options.accountId,
      profileId: this.#options.profileId,
      version: MELD_API_VERSION,
      payload,
    };
    return this.#enqueue(envelope, options.connectionId, options.delayMs ?? this.#options.delayMs, 0);
  }

  /** Sends an earlier event again: same envelope and eventId, the next `meld-retry-count`. */
  redeliver(eventId: string): Promise<WebhookDelivery> | undefined {
    const earlier = this.#deliveries.filter((delivery) => delivery.eventId === eventId);
    const last = earlier.at(-1);
    if (!last) return undefined;
    return this.#enqueue(structuredClone(last.envelope), last.connectionId, 0, earlier.length);
  }

  /** Resolves once nothing is pending (including what is queued meanwhile). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Cancels everything that has not been answered and forgets the record. */
  reset(): void {
    this.cancelAll();
    this.#deliveries.length = 0;
  }

  cancelAll(): void {
    this.#generation += 1;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.#waiters.clear();
    for (const controller of this.#controllers) controller.abort();
    this.#controllers.clear();
    this.#chains.clear();
  }

  #enqueue(envelope: MeldWebhookEnvelope, connectionId: string | undefined, delayMs: number, retryCount: number): Promise<WebhookDelivery> {
    const delivery: WebhookDelivery = {
      eventType: envelope.eventType,
      eventId: envelope.eventId,
      timestamp: envelope.timestamp,
      payload: envelope.payload,
      envelope,
      connectionId,
      state: 'pending',
      url: undefined,
      status: undefined,
      ms: undefined,
      error: undefined,
      retryCount,
      rawBody: undefined,
      headers: undefined,
    };
    this.#deliveries.push(delivery);
    const generation = this.#generation;
    // One connection's events leave in order; different connections do not wait for each other.
    const key = connectionId ?? '';
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.#deliver(delivery, delayMs, generation));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#chains.set(key, tail);
    this.#pending.add(tail);
    void tail.then(() => {
      this.#pending.delete(tail);
      if (this.#chains.get(key) === tail) this.#chains.delete(key);
    });
    return run.then(() => structuredClone(delivery));
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          resolve();
        }, ms),
        resolve,
      };
      this.#waiters.add(waiter);
    });
  }

  async #deliver(delivery: WebhookDelivery, delayMs: number, generation: number): Promise<void> {
    // Queued before a reset or close that came first: never wait for it.
    if (generation === this.#generation) await this.#sleep(delayMs);
    const label = `webhook ${delivery.eventType.replace('BANK_LINKING_', '')} ${delivery.connectionId ?? ''}`.trim();
    if (generation !== this.#generation) {
      delivery.state = 'cancelled';
      delivery.error = 'cancelled by reset() or close() before it was sent';
      return;
    }
    const url = this.#options.url();
    delivery.url = url;
    if (!url) {
      delivery.state = 'skipped';
      delivery.error = 'no webhook URL: pass webhookUrl to createMeldSimulator or call setWebhookUrl(url)';
      this.#options.log(`${label} skipped (no webhook URL)`);
      return;
    }
    const rawBody = JSON.stringify(delivery.envelope);
    const timestamp = new Date().toISOString();
    const headers: Record<string, string> = {
      'meld-signature': this.#options.sign({ secret: this.#options.secret, url, rawBody, timestamp }),
      'meld-signature-timestamp': timestamp,
    };
    if (delivery.retryCount > 0) {
      headers['meld-retry-count'] = String(delivery.retryCount);
      headers['meld-retry-reason'] = 'SIMULATED_RETRY';
    }
    delivery.rawBody = rawBody;
    delivery.headers = headers;
    const controller = new AbortController();
    this.#controllers.add(controller);
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'meld-reconnect-kit-simulator', ...headers },
        body: rawBody,
        signal: AbortSignal.any([controller.signal, timeout]),
      });
      await response.arrayBuffer().catch(() => undefined);
      delivery.status = response.status;
      delivery.ms = Math.round(performance.now() - started);
      delivery.state = response.status === 200 ? 'delivered' : 'failed';
      if (response.status !== 200) delivery.error = `the receiver answered ${response.status}; Meld retries anything but 200`;
      this.#options.log(`${label} -> ${response.status} (${delivery.ms} ms)`);
    } catch (cause) {
      delivery.ms = Math.round(performance.now() - started);
      if (controller.signal.aborted) {
        delivery.state = 'cancelled';
        delivery.error = 'cancelled by reset() or close() before it was answered';
      } else {
        delivery.state = 'failed';
        delivery.error = timeout.aborted
          ? `no answer within ${this.#options.timeoutMs} ms`
          : `could not reach ${url}: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`;
      }
      this.#options.log(`${label} failed: ${delivery.error}`);
    } finally {
      this.#controllers.delete(controller);
    }
  }
}
