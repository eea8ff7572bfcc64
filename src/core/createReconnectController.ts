import type { ReconnectKitEvent } from './analytics.js';
import type { PromptOffer, PromptState } from './promptStates.js';
import {
  initialSnapshot,
  transition,
  type PromptVariant,
  type ReconnectEffect,
  type ReconnectEvent,
  type ReconnectSnapshot,
  type WidgetMode,
} from './reconnectMachine.js';
import type { Connection, RepairSession } from './types.js';
import type { ObservedStatus, RepairVerification } from './verifyRepair.js';

/** Time, as the engine sees it. Injected so the engine runs under a test's clock. */
export interface ClockPort {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the launcher tells the engine about one widget. Each is called at most once, in this order. */
export interface WidgetLaunchHandlers {
  popupBlocked(): void;
  opened(mode: WidgetMode): void;
  complete(mode: WidgetMode): void;
  /** The widget reported an error, or it could not be opened (an unsafe URL, a launcher that failed to load). */
  error(error: unknown, mode: WidgetMode): void;
  /** Closed without completing: `closed-by-customer`, `replaced`, `closed-by-host`. */
  closed(reason: string, mode: WidgetMode): void;
}

/** One launch, prepared in the customer's click (focus remembered, popup window opened). */
export interface WidgetLaunch {
  /** Opens the widget for the session once it has arrived. */
  open(session: RepairSession, handlers: WidgetLaunchHandlers): void;
  /** Closes the widget or the prepared popup. Safe to call any number of times. */
  close(): void;
}

/** Opens Meld's widget. `prepare` runs synchronously inside the customer's click. */
export interface WidgetLauncherPort {
  prepare(mode: WidgetMode, connectionId: string): WidgetLaunch;
}

/** What verification needs to confirm a repair. */
export interface VerifyRequest {
  connectionId: string;
  from: ObservedStatus;
  signal: AbortSignal;
}

/** Everything the engine does to the world, injected. */
export interface ReconnectPorts {
  /** The host's repair endpoint (single flight per connection is the port's job). */
  repair(connectionId: string): Promise<RepairSession>;
  /** The host's refresh endpoint. May throw `OperationNotAllowedError` synchronously or reject. */
  refresh(connectionId: string): Promise<unknown>;
  launcher: WidgetLauncherPort;
  /** Confirms a repair after the widget completes (push or a few reads); rejects only when aborted or unable to run. */
  verify(request: VerifyRequest): Promise<RepairVerification>;
  clock: ClockPort;
  /** Funnel events. */
  emit(event: ReconnectKitEvent): void;
  /** Remembers a dismissal: `until` for a soft snooze (stored), none for the session. */
  persistDismissal?(connectionId: string, state: PromptState, until: number | undefined): void;
}

export interface ReconnectControllerOptions {
  connection?: Connection | undefined;
  dismissed?: readonly PromptState[] | undefined;
  snoozed?: Partial<Record<PromptState, number>> | undefined;
  /** The widget mode when `start` is given none. Defaults to `'dialog'`. */
  defaultMode?: (() => WidgetMode) | undefined;
}

export interface StartOptions {
  mode?: WidgetMode | undefined;
  /** The kind of prompt starting it; its states then show only in views of that kind. */
  variant?: PromptVariant | undefined;
  /** The action the customer pressed (shown pending meanwhile). */
  pressed?: PromptOffer | undefined;
}

/**
 * One connection's reconnect engine: its status, the prompt decided from it,
 * the running flow, refreshes, dismissals and funnel events, as a store
 * (`subscribe` / `getSnapshot`) that every view of the connection shares.
 */
export interface ReconnectController {
  readonly connectionId: string;
  getSnapshot(): ReconnectSnapshot;
  /** Calls `listener` after each change. Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  dispatch(event: ReconnectEvent): void;
  /** Starts repair -> widget -> verification; call it from the customer's click (popup mode opens its window there). */
  start(options?: StartOptions): void;
  /** Back to what the status says: closes the widget, stops verification, forgets a failure. */
  reset(): void;
  refresh(pressed?: PromptOffer): void;
  /** Runs again what failed and the view of `variant` shows (its flow first, then a refresh). */
  retry(pressed?: PromptOffer, variant?: PromptVariant): void;
  dismiss(state: PromptState): void;
  setConnection(connection: Connection | undefined): void;
  /** A view showed a state (reported once per table state as `prompt_shown`). */
  noteShown(state: PromptState): void;
  /** The customer came back from redirect mode: verify the repair. */
  resume(): void;
  /** Ends everything this engine runs (a busy flow is reported `abandoned`, `unmounted`). */
  dispose(): void;
  /** Widgets, verifications and timers still open: 0 after `dispose`. */
  readonly openResources: number;
}

function onlyShownChanged(a: ReconnectSnapshot, b: ReconnectSnapshot): boolean {
  return (
    a.connection === b.connection &&
    a.flow === b.flow &&
    a.refresh === b.refresh &&
    a.session === b.session &&
    a.dismissed === b.dismissed &&
    a.snoozed === b.snoozed
  );
}

/** Creates the engine for one connection; effects run through `ports`. */
export function createReconnectController(connectionId: string, ports: ReconnectPorts, options: ReconnectControllerOptions = {}): ReconnectController {
  let state = initialSnapshot(connectionId, options.connection, options);
  const listeners = new Set<() => void>();
  const queue: ReconnectEvent[] = [];
  let running = false;
  let launch: { attempt: number; value: WidgetLaunch } | undefined;
  let verification: { attempt: number; abort: AbortController } | undefined;
  let timer: unknown;
  let hasTimer = false;

  const now = () => ports.clock.now();
  const defaultMode = () => options.defaultMode?.() ?? 'dialog';

  function dispatch(event: ReconnectEvent): void {
    queue.push(event);
    if (running) return;
    running = true;
    const before = state;
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const result = transition(state, next);
        state = result.state;
        for (const effect of result.effects) run(effect);
      }
    } finally {
      running = false;
    }
    // What views show changed (not only the record of reported prompts): tell them.
    if (state !== before && !onlyShownChanged(before, state)) for (const listener of [...listeners]) listener();
  }

  function closeLaunch(): void {
    const current = launch;
    launch = undefined;
    current?.value.close();
  }

  function handlersFor(attempt: number): WidgetLaunchHandlers {
    const done = () => {
      if (launch?.attempt === attempt) launch = undefined;
    };
    return {
      popupBlocked: () => dispatch({ type: 'popup-blocked', attempt }),
      opened: (mode) => dispatch({ type: 'widget-opened', attempt, mode }),
      complete: (mode) => {
        done();
        dispatch({ type: 'widget-complete', attempt, mode });
      },
      error: (error, mode) => {
        done();
        dispatch({ type: 'widget-error', attempt, mode, error });
      },
      closed: (reason, mode) => {
        done();
        dispatch({ type: 'widget-closed', attempt, mode, reason });
      },
    };
  }

  function settle<T>(promise: () => Promise<T>, ok: (value: T) => void, fail: (error: unknown) => void): void {
    let pending: Promise<T>;
    try {
      pending = promise();
    } catch (error) {
      fail(error);
      return;
    }
    pending.then(ok, fail);
  }

  function run(effect: ReconnectEffect): void {
    switch (effect.type) {
      case 'emit':
        ports.emit({ ...effect.event, connectionId, at: now() });
        return;
      case 'prepare-widget':
        closeLaunch();
        launch = { attempt: effect.attempt, value: ports.launcher.prepare(effect.mode, connectionId) };
        return;
      case 'request-repair': {
        const { attempt } = effect;
        settle(
          () => ports.repair(connectionId),
          (session) => dispatch({ type: 'repair-ok', attempt, session, now: now() }),
          (error) => dispatch({ type: 'repair-failed', attempt, error }),
        );
        return;
      }
      case 'open-widget': {
        if (launch?.attempt !== effect.attempt) launch = { attempt: effect.attempt, value: ports.launcher.prepare(effect.mode, connectionId) };
        launch.value.open(effect.session, handlersFor(effect.attempt));
        return;
      }
      case 'close-widget':
        if (launch?.attempt === effect.attempt) closeLaunch();
        return;
      case 'verify': {
        verification?.abort.abort();
        const abort = new AbortController();
        const { attempt } = effect;
        verification = { attempt, abort };
        const finish = () => {
          if (verification?.abort === abort) verification = undefined;
        };
        settle(
          () => ports.verify({ connectionId, from: effect.from, signal: abort.signal }),
          (result) => {
            finish();
            if (!abort.signal.aborted) dispatch({ type: 'verify-done', attempt, result });
          },
          (error) => {
            finish();
            if (!abort.signal.aborted) dispatch({ type: 'verify-failed', attempt, error });
          },
        );
        return;
      }
      case 'stop-verify':
        if (verification?.attempt === effect.attempt) {
          verification.abort.abort();
          verification = undefined;
        }
        return;
      case 'request-refresh': {
        const { attempt } = effect;
        settle(
          () => ports.refresh(connectionId),
          () => dispatch({ type: 'refresh-ok', attempt }),
          (error) => dispatch({ type: 'refresh-failed', attempt, error }),
        );
        return;
      }
      case 'timer': {
        cancelTimer();
        const { attempt } = effect;
        hasTimer = true;
        timer = ports.clock.setTimeout(() => {
          hasTimer = false;
          dispatch({ type: 'verified-elapsed', attempt });
        }, effect.ms);
        return;
      }
      case 'cancel-timer':
        cancelTimer();
        return;
      case 'persist-dismissal':
        ports.persistDismissal?.(connectionId, effect.state, effect.until);
        return;
    }
  }

  function cancelTimer(): void {
    if (!hasTimer) return;
    hasTimer = false;
    ports.clock.clearTimeout(timer);
  }

  return {
    connectionId,
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    dispatch,
    start: (startOptions = {}) =>
      dispatch({ type: 'start', mode: startOptions.mode ?? defaultMode(), variant: startOptions.variant, pressed: startOptions.pressed, now: now() }),
    reset: () => dispatch({ type: 'reset' }),
    refresh: (pressed) => dispatch({ type: 'refresh', pressed }),
    retry: (pressed, variant) => dispatch({ type: 'retry', mode: defaultMode(), variant, pressed, now: now() }),
    dismiss: (promptState) => dispatch({ type: 'dismiss', state: promptState, now: now() }),
    setConnection: (connection) => dispatch({ type: 'connection', connection }),
    noteShown: (promptState) => dispatch({ type: 'shown', state: promptState }),
    resume: () => dispatch({ type: 'resume', now: now() }),
    dispose() {
      // Late answers find the flow idle and change nothing; the engine may be used again.
      dispatch({ type: 'reset', why: 'unmounted' });
      closeLaunch();
      verification?.abort.abort();
      verification = undefined;
      cancelTimer();
      listeners.clear();
    },
    get openResources() {
      return (launch ? 1 : 0) + (verification ? 1 : 0) + (hasTimer ? 1 : 0);
    },
  };
}
