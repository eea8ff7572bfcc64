// Model-based property test of the `/events` streams (issue 13, item 3): for
// every `maxStreamsPerCustomer` from 1 to 6, random sequences of opens, closes
// by the client (cancel or abort), evictions by the server (a client that
// stops reading and falls behind) and bus events, checked after every step
// against a model of which streams are open and what each must have received.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMeldClient,
  createMemoryEventBus,
  createReconnectHandler,
  type BrowserStatusEvent,
  type MemoryEventBus,
  type ReconnectHandler,
} from '../../src/server/index.js';

const BASE = '/api/meld';
const CUSTOMERS = ['ann', 'ben', 'cy'] as const;
type Customer = (typeof CUSTOMERS)[number];
// The smallest lag the streams allow; a frame larger than it drops a stream that stopped reading.
const MAX_BUFFERED = 1024;

interface ModelStream {
  customer: Customer;
  open: boolean;
  /** Event ids published for its customer while it was open, in order. */
  expected: string[];
}

interface Model {
  streams: ModelStream[];
  cap: number;
}

interface RealStream {
  customer: Customer;
  reader: ReadableStreamDefaultReader<Uint8Array>;
  abort: AbortController;
  received: string[];
  /** The server closed it (or the client did and the close arrived). */
  ended: boolean;
  /** The client stopped reading (released its reader). */
  stalled: boolean;
}

interface Real {
  handler: ReconnectHandler;
  bus: MemoryEventBus;
  streams: RealStream[];
  seq: number;
}

const settle = async () => {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

function readAll(stream: RealStream): void {
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await stream.reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) stream.received.push((JSON.parse(data.slice(6)) as BrowserStatusEvent).eventId);
        }
      }
      stream.ended = true;
    } catch {
      // released by a stall, or errored by the server: either way nothing more is read
      if (!stream.stalled) stream.ended = true;
    }
  })();
}

const openOf = (model: Model, customer?: Customer) => model.streams.filter((s) => s.open && (customer === undefined || s.customer === customer));
const indexOfOpen = (model: Model, pick: number) => {
  const open = model.streams.map((s, i) => (s.open ? i : -1)).filter((i) => i !== -1);
  return open[pick % open.length]!;
};

function event(eventId: string, big: boolean): BrowserStatusEvent {
  return {
    eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
    eventId,
    payload: { connectionId: 'c1', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_ACTION_REQUIRED', ...(big ? { institutionMessage: 'x'.repeat(MAX_BUFFERED + 100) } : {}) },
  };
}

/** Publishes for `customer` in both worlds; every open stream of that customer now expects it. */
async function publish(model: Model, real: Real, customer: Customer, big: boolean): Promise<void> {
  real.seq += 1;
  const eventId = `evt_${real.seq}`;
  for (const stream of openOf(model, customer)) stream.expected.push(eventId);
  await real.bus.publish(customer, event(eventId, big));
}

/** What must hold after every step. */
function check(model: Model, real: Real): void {
  for (const customer of CUSTOMERS) expect(openOf(model, customer).length).toBeLessThanOrEqual(model.cap);
  const customers = new Set(openOf(model).map((s) => s.customer));
  expect(real.handler.stats().events).toMatchObject({ streams: openOf(model).length, customers: customers.size });
  expect(real.bus.stats()).toMatchObject({ customers: customers.size, listeners: customers.size });
  model.streams.forEach((expected, i) => {
    const actual = real.streams[i]!;
    expect(actual.received, `stream ${i} (${actual.customer})`).toEqual(expected.expected);
    if (expected.open) expect(actual.ended, `stream ${i} should be open`).toBe(false);
    else if (!actual.stalled) expect(actual.ended, `stream ${i} should have ended`).toBe(true);
  });
}

class Open implements fc.AsyncCommand<Model, Real> {
  constructor(readonly customer: Customer) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const abort = new AbortController();
    const response = await real.handler(new Request(`http://h${BASE}/events`, { headers: { 'x-user': this.customer }, signal: abort.signal }));
    expect(response.status).toBe(200);
    const stream: RealStream = { customer: this.customer, reader: response.body!.getReader(), abort, received: [], ended: false, stalled: false };
    real.streams.push(stream);
    readAll(stream);
    // The newest wins: the customer's oldest open streams beyond the cap are closed.
    const mine = openOf(model, this.customer);
    for (const old of mine.slice(0, Math.max(0, mine.length + 1 - model.cap))) old.open = false;
    model.streams.push({ customer: this.customer, open: true, expected: [] });
    await settle();
    check(model, real);
  }
  toString = () => `open(${this.customer})`;
}

class Close implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly how: 'cancel' | 'abort',
  ) {}
  check = (model: Readonly<Model>) => openOf(model as Model).length > 0;
  async run(model: Model, real: Real) {
    const at = indexOfOpen(model, this.pick);
    const stream = real.streams[at]!;
    if (this.how === 'cancel') await stream.reader.cancel();
    else stream.abort.abort();
    model.streams[at]!.open = false;
    await settle();
    check(model, real);
  }
  toString = () => `close(#${this.pick}, ${this.how})`;
}

class Evict implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => openOf(model as Model).length > 0;
  async run(model: Model, real: Real) {
    const at = indexOfOpen(model, this.pick);
    const stream = real.streams[at]!;
    // The client stops reading; the next frame (larger than maxBufferedBytes) makes the server drop it.
    stream.stalled = true;
    stream.reader.releaseLock();
    const expectedBefore = model.streams[at]!.expected.length;
    await publish(model, real, stream.customer, true);
    model.streams[at]!.open = false;
    // The stalled stream never read that event.
    model.streams[at]!.expected.length = expectedBefore;
    await settle();
    check(model, real);
  }
  toString = () => `evict(#${this.pick})`;
}

class Publish implements fc.AsyncCommand<Model, Real> {
  constructor(readonly customer: Customer) {}
  check = () => true;
  async run(model: Model, real: Real) {
    await publish(model, real, this.customer, false);
    await settle();
    check(model, real);
  }
  toString = () => `publish(${this.customer})`;
}

const customer = fc.constantFrom(...CUSTOMERS);
const commands = fc.commands(
  [
    // Opens three times as often as the rest: reaching and passing the cap is the interesting part.
    customer.map((c) => new Open(c)),
    customer.map((c) => new Open(c)),
    customer.map((c) => new Open(c)),
    fc.tuple(fc.nat(), fc.constantFrom('cancel' as const, 'abort' as const)).map(([pick, how]) => new Close(pick, how)),
    fc.nat().map((pick) => new Evict(pick)),
    customer.map((c) => new Publish(c)),
  ],
  { maxCommands: 60, size: 'max' },
);

let live: Real[] = [];
afterEach(() => {
  for (const real of live) real.handler.close();
  live = [];
});

describe('/events streams: model-based property', () => {
  for (let cap = 1; cap <= 6; cap += 1) {
    it(`given maxStreamsPerCustomer: ${cap}, should hold the cap, deliver every event to exactly its customer's open streams, and report matching stats`, async () => {
      await fc.assert(
        fc.asyncProperty(commands, async (cmds) => {
          const bus = createMemoryEventBus({ replaySize: 0 });
          const handler = createReconnectHandler({
            meld: createMeldClient({ apiKey: 'unused', baseUrl: 'http://127.0.0.1:9' }),
            authorize: (request) => ({ externalCustomerId: request.headers.get('x-user')! }),
            basePath: BASE,
            bus,
            events: { heartbeatMs: 60_000, maxStreamsPerCustomer: cap, maxBufferedBytes: MAX_BUFFERED },
          });
          const real: Real = { handler, bus, streams: [], seq: 0 };
          live.push(real);
          try {
            await fc.asyncModelRun(() => ({ model: { streams: [], cap }, real }), cmds);
          } finally {
            handler.close();
            await settle();
          }
          expect(bus.stats()).toMatchObject({ customers: 0, listeners: 0 });
        }),
        { numRuns: 100 },
      );
    });
  }
});
