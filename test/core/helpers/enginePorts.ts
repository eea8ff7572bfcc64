/**
 * Fake ports for the reconnect engine: a clock whose timers a test advances,
 * a scripted host whose answers a test gives (or never gives), a launcher
 * that records widgets and lets a test deliver their messages, a verifier a
 * test settles, and a log of funnel events and stored dismissals. No DOM, no
 * real timers: everything happens when the test says so.
 */
import type { ReconnectKitEvent } from '../../../src/core/analytics.js';
import type { ClockPort, ReconnectPorts, VerifyRequest, WidgetLaunchHandlers } from '../../../src/core/createReconnectController.js';
import { HostApiError, OperationNotAllowedError, type HostApiErrorKind } from '../../../src/core/HostApiError.js';
import { isOperationAllowed } from '../../../src/core/isOperationAllowed.js';
import type { PromptState } from '../../../src/core/promptStates.js';
import type { ReconnectSnapshot, WidgetMode } from '../../../src/core/reconnectMachine.js';
import type { RepairSession } from '../../../src/core/types.js';
import type { ObservedStatus, RepairVerification } from '../../../src/core/verifyRepair.js';

export const START_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the engine's `.then` callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await Promise.resolve();
}

export interface FakeClock extends ClockPort {
  advance(ms: number): void;
  /** Timers set and neither fired nor cleared. */
  readonly live: number;
}

export function fakeClock(start = START_TIME): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let due: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].callback();
      }
      now = until;
    },
    get live() {
      return timers.size;
    },
  };
}

/** How the scripted host answers a request. `never` leaves it pending for good. */
export type HostAnswer = 'ok' | 'not-found' | 'conflict' | 'rate-limited' | 'server' | 'timeout' | 'never';

const STATUS_OF: Record<Exclude<HostAnswer, 'ok' | 'never' | 'timeout'>, number> = {
  'not-found': 404,
  conflict: 409,
  'rate-limited': 429,
  server: 503,
};

export function hostError(answer: Exclude<HostAnswer, 'ok' | 'never'>): HostApiError {
  const kind: HostApiErrorKind = answer;
  return answer === 'timeout'
    ? new HostApiError({ kind, message: 'no answer within timeoutMs' })
    : new HostApiError({ kind, message: `host answered ${STATUS_OF[answer]}`, status: STATUS_OF[answer], ...(answer === 'rate-limited' ? { retryAfter: 30 } : {}) });
}

export interface HostRequest<T> {
  /** The engine's attempt (flow or refresh) when the request was sent. */
  attempt: number;
  state: 'pending' | 'never' | 'settled';
  deferred: Deferred<T>;
}

export type WidgetState = 'prepared' | 'opening' | 'open' | 'ended';

export interface FakeWidget {
  attempt: number;
  mode: WidgetMode;
  state: WidgetState;
  session?: RepairSession | undefined;
  handlers?: WidgetLaunchHandlers | undefined;
  /** How many times the engine called `open` on this launch. */
  opens: number;
}

export type VerifyAnswer = 'verified' | 'still-broken' | 'timed-out' | 'error';

export interface VerifyCall {
  attempt: number;
  request: VerifyRequest;
  state: 'pending' | 'aborted' | 'settled';
  deferred: Deferred<RepairVerification>;
}

export interface FakeWorld {
  ports: ReconnectPorts;
  clock: FakeClock;
  repairs: HostRequest<RepairSession>[];
  refreshes: HostRequest<unknown>[];
  widgets: FakeWidget[];
  verifications: VerifyCall[];
  events: ReconnectKitEvent[];
  persisted: { state: PromptState; until: number | undefined }[];
  /** Abort listeners the fake verifier still has on the engine's signals. */
  readonly verifyListeners: number;
  /** The engine, once created (ports read its snapshot the way the real ones read the query cache). */
  snapshot?: () => ReconnectSnapshot;
  answerRepair(request: HostRequest<RepairSession>, answer: HostAnswer): void;
  answerRefresh(request: HostRequest<unknown>, answer: HostAnswer): void;
  answerVerify(call: VerifyCall, answer: VerifyAnswer): void;
}

/** A still-broken answer's status: Meld's next webhook after the widget closed. */
export const STILL_BROKEN: ObservedStatus = { status: 'RECONNECT_REQUIRED', statusReason: 'TOKEN_EXPIRED' };

export function createFakeWorld(connectionId: string): FakeWorld {
  const clock = fakeClock();
  let verifyListeners = 0;
  const world: FakeWorld = {
    clock,
    repairs: [],
    refreshes: [],
    widgets: [],
    verifications: [],
    events: [],
    persisted: [],
    get verifyListeners() {
      return verifyListeners;
    },
    ports: undefined as unknown as ReconnectPorts,
    answerRepair(request, answer) {
      if (request.state !== 'pending') return;
      if (answer === 'never') {
        request.state = 'never';
        return;
      }
      request.state = 'settled';
      if (answer === 'ok') {
        const n = world.repairs.indexOf(request) + 1;
        request.deferred.resolve({ connectionId, connectToken: `token-${n}`, widgetUrl: `https://connect.meld.io/?token=token-${n}` });
      } else request.deferred.reject(hostError(answer));
    },
    answerRefresh(request, answer) {
      if (request.state !== 'pending') return;
      if (answer === 'never') {
        request.state = 'never';
        return;
      }
      request.state = 'settled';
      if (answer === 'ok') request.deferred.resolve({ requestId: 'req-1' });
      else request.deferred.reject(hostError(answer));
    },
    answerVerify(call, answer) {
      if (call.state !== 'pending') return;
      call.state = 'settled';
      const { from } = call.request;
      if (answer === 'error') call.deferred.reject(new Error('verification could not run'));
      else if (answer === 'verified') call.deferred.resolve({ outcome: 'verified', status: 'ACTIVE', reason: null, via: 'push' });
      else if (answer === 'still-broken') call.deferred.resolve({ outcome: 'still-broken', status: STILL_BROKEN.status, reason: STILL_BROKEN.statusReason ?? null, via: 'push' });
      else call.deferred.resolve({ outcome: 'timed-out', status: from.status, reason: from.statusReason ?? null, via: 'none' });
    },
  };
  const attemptNow = () => world.snapshot?.().flow.attempt ?? 0;

  world.ports = {
    repair() {
      const request: HostRequest<RepairSession> = { attempt: attemptNow(), state: 'pending', deferred: deferred() };
      world.repairs.push(request);
      return request.deferred.promise;
    },
    refresh(id) {
      // As the real port does: refused at once, without a request, when the status does not allow it.
      const connection = world.snapshot?.().connection;
      if (connection && !isOperationAllowed('refresh', connection.status, connection.statusReason ?? null)) {
        throw new OperationNotAllowedError('refresh', id, connection.status, connection.statusReason ?? null);
      }
      const request: HostRequest<unknown> = { attempt: world.snapshot?.().refresh.attempt ?? 0, state: 'pending', deferred: deferred() };
      world.refreshes.push(request);
      return request.deferred.promise;
    },
    launcher: {
      prepare(mode) {
        const widget: FakeWidget = { attempt: attemptNow(), mode, state: 'prepared', opens: 0 };
        world.widgets.push(widget);
        return {
          open(session, handlers) {
            widget.opens += 1;
            widget.session = session;
            widget.handlers = handlers;
            if (widget.state === 'prepared') widget.state = 'opening';
          },
          close() {
            const wasOpen = widget.state === 'open';
            widget.state = 'ended';
            // The real launcher reports a host's close as `closed-by-host`.
            if (wasOpen) widget.handlers?.closed('closed-by-host', widget.mode);
          },
        };
      },
    },
    verify(request) {
      const call: VerifyCall = { attempt: attemptNow(), request, state: 'pending', deferred: deferred() };
      world.verifications.push(call);
      verifyListeners += 1;
      let attached = true;
      const detach = () => {
        if (!attached) return;
        attached = false;
        request.signal.removeEventListener('abort', onAbort);
        verifyListeners -= 1;
      };
      function onAbort() {
        detach();
        if (call.state === 'pending') {
          call.state = 'aborted';
          call.deferred.reject(request.signal.reason);
        }
      }
      request.signal.addEventListener('abort', onAbort);
      void call.deferred.promise.then(detach, detach);
      return call.deferred.promise;
    },
    clock,
    emit(event) {
      world.events.push(event);
    },
    persistDismissal(_id, state, until) {
      world.persisted.push({ state, until });
    },
  };
  return world;
}

/** Widgets prepared or open and not yet ended. */
export function liveWidgets(world: FakeWorld): FakeWidget[] {
  return world.widgets.filter((w) => w.state !== 'ended');
}
