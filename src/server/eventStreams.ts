// The `/events` streams (Server-Sent Events) of one handler: one bus
// subscription per customer with open streams, a shared heartbeat timer, and
// nothing kept for a customer once their last stream closes.
import type { ConnectionEvent, EventBus } from './EventBus.js';
import { errorResponse } from './httpResponses.js';

/** Options of the `/events` stream. */
export interface EventStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. Defaults to 15 000 ms. */
  heartbeatMs?: number | undefined;
  /** The `retry:` hint: how long a browser waits before it reconnects. Defaults to 3000 ms. */
  retryMs?: number | undefined;
  /** Open streams per customer; one more closes that customer's oldest. Defaults to 5. */
  maxStreamsPerCustomer?: number | undefined;
  /** A stream whose client lags this far behind is closed (it resumes from its last id). Defaults to 256 KiB. */
  maxBufferedBytes?: number | undefined;
}

/** What the `/events` streams hold right now; for tests and health checks. */
export interface EventStreamStats {
  /** Open streams. */
  streams: number;
  /** Customers with an open stream, i.e. bus subscriptions held. */
  customers: number;
  /** Bytes written but not yet taken by clients, all streams. */
  bufferedBytes: number;
}

interface Stream {
  customer: string;
  controller: ReadableStreamDefaultController<Uint8Array>;
  closed: boolean;
  /** Live events that arrived while the replay was being read. */
  pending: ConnectionEvent[] | undefined;
  detach: () => void;
}

interface CustomerEntry {
  streams: Set<Stream>;
  subscription: Promise<() => void>;
}

const EVENT_ID = /^[\w.:-]{1,64}$/;
const MAX_PENDING = 1000;
const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(': keep-alive\n\n');

function frame(event: ConnectionEvent): Uint8Array | undefined {
  if (!EVENT_ID.test(event.id)) return undefined;
  // JSON.stringify escapes line breaks, so `data:` stays one line.
  return encoder.encode(`id: ${event.id}\ndata: ${JSON.stringify(event.event)}\n\n`);
}

/** The id a client resumes from: `Last-Event-ID` (the browser's own retry) or `?lastEventId=` (the kit's). */
function lastEventIdOf(request: Request, url: URL): string | undefined {
  const value = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId');
  return value && EVENT_ID.test(value) ? value : undefined;
}

/** The `/events` streams of one handler. Internal. */
export interface EventStreams {
  open(request: Request, url: URL, customer: string): Promise<Response>;
  stats(): EventStreamStats;
  close(): void;
}

/** Makes the `/events` streams over `bus`; `onError` hears replay and subscription failures. Internal. */
export function createEventStreams(
  bus: EventBus,
  options: EventStreamOptions,
  onError: (error: unknown, what: 'replay' | 'subscribe', request: Request) => void,
): EventStreams {
  const heartbeatMs = Math.max(10, options.heartbeatMs ?? 15_000);
  const retryMs = Math.max(0, Math.round(options.retryMs ?? 3000));
  const maxPerCustomer = Math.max(1, options.maxStreamsPerCustomer ?? 5);
  const maxBufferedBytes = Math.max(1024, options.maxBufferedBytes ?? 256 * 1024);
  const customers = new Map<string, CustomerEntry>();
  const all = new Set<Stream>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  function write(stream: Stream, bytes: Uint8Array): void {
    if (stream.closed) return;
    try {
      stream.controller.enqueue(bytes);
    } catch {
      end(stream, 'close');
      return;
    }
    const backlog = -(stream.controller.desiredSize ?? 0);
    // A client that stopped reading: drop its queue rather than grow without bound.
    if (backlog > maxBufferedBytes) end(stream, 'error');
  }

  function end(stream: Stream, how: 'close' | 'error'): void {
    if (stream.closed) return;
    stream.closed = true;
    stream.pending = undefined;
    stream.detach();
    all.delete(stream);
    try {
      if (how === 'error') stream.controller.error(new Error('meld-reconnect-kit: the client fell behind; it resumes from its last event id.'));
      else stream.controller.close();
    } catch {
      // already closed by the consumer
    }
    const entry = customers.get(stream.customer);
    if (entry?.streams.delete(stream) && entry.streams.size === 0) {
      customers.delete(stream.customer);
      entry.subscription.then((unsubscribe) => unsubscribe(), () => undefined);
    }
    if (all.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  }

  function deliver(entry: CustomerEntry, event: ConnectionEvent): void {
    const bytes = frame(event);
    if (!bytes) return;
    for (const stream of entry.streams) {
      if (stream.pending) {
        if (stream.pending.length >= MAX_PENDING) end(stream, 'error');
        else stream.pending.push(event);
      } else write(stream, bytes);
    }
  }

  async function replay(stream: Stream, lastEventId: string, request: Request): Promise<void> {
    let events: ConnectionEvent[] = [];
    try {
      events = (await bus.replay?.(stream.customer, lastEventId)) ?? [];
    } catch (error) {
      onError(error, 'replay', request);
    }
    const sent = new Set<string>();
    for (const event of events) {
      const bytes = frame(event);
      if (bytes) write(stream, bytes);
      sent.add(event.id);
    }
    const pending = stream.pending ?? [];
    stream.pending = undefined;
    for (const event of pending) {
      const bytes = sent.has(event.id) ? undefined : frame(event);
      if (bytes) write(stream, bytes);
    }
  }

  return {
    async open(request, url, customer) {
      let entry = customers.get(customer);
      if (!entry) {
        const created: CustomerEntry = { streams: new Set(), subscription: Promise.resolve(() => {}) };
        created.subscription = bus.subscribe(customer, (event) => deliver(created, event));
        created.subscription.catch(() => undefined); // awaited below; failure answers 503
        customers.set(customer, (entry = created));
      }
      const lastEventId = lastEventIdOf(request, url);
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>(
        {
          start: (c) => void (controller = c),
          cancel: () => end(stream, 'close'),
        },
        new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
      );
      const onAbort = () => end(stream, 'close');
      const stream: Stream = {
        customer,
        controller,
        closed: false,
        pending: lastEventId && bus.replay ? [] : undefined,
        detach: () => request.signal.removeEventListener('abort', onAbort),
      };
      entry.streams.add(stream);
      all.add(stream);
      // The newest stream wins: a reloaded tab's old stream may not have noticed it is gone.
      // It joins before the oldest leave, so the customer's set never empties on the way:
      // emptying it would drop the bus subscription this stream is about to use.
      while (entry.streams.size > maxPerCustomer) end(entry.streams.values().next().value as Stream, 'close');
      if (request.signal.aborted) {
        end(stream, 'close');
        return new Response(null, { status: 499 });
      }
      request.signal.addEventListener('abort', onAbort, { once: true });

      try {
        await entry.subscription;
      } catch (error) {
        end(stream, 'close');
        onError(error, 'subscribe', request);
        return errorResponse(503, { code: 'EVENTS_UNAVAILABLE', message: 'Live status is unavailable right now.' }, { 'retry-after': '5' });
      }
      if (stream.closed) return new Response(null, { status: 204 });

      heartbeat ??= setInterval(() => {
        for (const s of all) write(s, HEARTBEAT);
      }, heartbeatMs);
      heartbeat.unref?.();
      write(stream, encoder.encode(`retry: ${retryMs}\n\n`));
      if (stream.pending && lastEventId) void replay(stream, lastEventId, request);

      return new Response(body, {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store, no-transform',
          'x-accel-buffering': 'no',
          'x-content-type-options': 'nosniff',
        },
      });
    },

    stats() {
      let bufferedBytes = 0;
      for (const stream of all) bufferedBytes += Math.max(0, -(stream.controller.desiredSize ?? 0));
      return { streams: all.size, customers: customers.size, bufferedBytes };
    },

    close() {
      for (const stream of [...all]) end(stream, 'close');
    },
  };
}
