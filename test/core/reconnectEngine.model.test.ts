/**
 * Model-based tests of the reconnect engine (issue 11, "Proof"): random
 * sequences of pushes, prop changes, mounts, clicks, widget messages, host
 * answers and clock advances, driven through ONE controller with fake ports,
 * compared after every step with a small reference model of what the
 * customer should see. No DOM, no real timers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReconnectKitEvent } from '../../src/core/analytics.js';
import { createReconnectController, type ReconnectController } from '../../src/core/createReconnectController.js';
import { DECISION_ROWS } from '../../src/core/decisionTable.js';
import { derivePrompt, type DerivedPrompt } from '../../src/core/derivePrompt.js';
import type { ReconnectFlowFailure } from '../../src/core/flowFailure.js';
import { getStatusDecision } from '../../src/core/getStatusDecision.js';
import { isOperationAllowed } from '../../src/core/isOperationAllowed.js';
import { PROMPT_STATE_INFO, type PromptOffer, type PromptState } from '../../src/core/promptStates.js';
import type { PromptFailure, PromptVariant, ReconnectFlowStatus, ReconnectSnapshot, WidgetMode } from '../../src/core/reconnectMachine.js';
import type { Connection } from '../../src/core/types.js';
import { WidgetError } from '../../src/widget/openMeldWidget.js';
import { createFakeWorld, flush, liveWidgets, type FakeWorld, type HostAnswer, type VerifyAnswer } from './helpers/enginePorts.js';

const ID = 'conn-1';
const NUM_RUNS = Number(process.env.MODEL_RUNS ?? 10_000);
const SESSION_MAX_AGE = 3 * 60 * 60 * 1000;
const VERIFIED_VISIBLE = 4_000;
const SNOOZE = 3 * 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------- inputs

interface Row {
  status: string;
  reason: string | null;
}

/** Every row of Meld's table, plus statuses and reasons the kit has never heard of. */
const ROWS: readonly Row[] = [
  ...DECISION_ROWS.map(([status, reason]) => ({ status, reason })),
  { status: 'ACTIVE', reason: 'SOME_NEW_REASON' },
  { status: 'RECONNECT_REQUIRED', reason: 'MFA_CHANGED' },
  { status: 'DEGRADED', reason: 'SOMETHING_ELSE' },
  { status: 'FROZEN', reason: null },
];
const BANK_MESSAGES = [undefined, 'Accept the new terms at your bank', 'Call your bank'] as const;

function connectionOf(row: Row, message: number): Connection {
  const text = BANK_MESSAGES[message];
  return {
    id: ID,
    status: row.status,
    ...(row.reason === null ? {} : { statusReason: row.reason }),
    institutionName: 'First Bank',
    ...(text === undefined ? {} : { institutionMessage: text }),
  };
}

const rowArb = fc.nat({ max: ROWS.length - 1 });
const messageArb = fc.nat({ max: BANK_MESSAGES.length - 1 });

// ---------------------------------------------------------------- reference model

interface ViewModel {
  id: number;
  variant: PromptVariant;
  showOutages: boolean;
  hydrated: boolean;
  canStartNew: boolean;
  mountedAt: number;
}

interface FlowModel {
  status: ReconnectFlowStatus;
  attempt: number;
  variant?: PromptVariant | undefined;
  failure?: ReconnectFlowFailure | undefined;
  verifiedAt?: number | undefined;
  /** `unconfirmed` put away (for this attempt). */
  dismissed?: boolean | undefined;
}

interface Model {
  now: number;
  /** The last pushed observation (what the engine should hold). */
  connection: Connection | undefined;
  flow: FlowModel;
  refresh: { status: 'idle' | 'pending' | 'done' | 'failed'; attempt: number; basis?: string | undefined; failure?: PromptFailure | undefined; dismissed?: boolean | undefined };
  /** When the reusable repair session arrived. */
  session: number | undefined;
  dismissed: Set<PromptState>;
  snoozed: Map<PromptState, number>;
  shown: Set<PromptState>;
  views: ViewModel[];
  nextView: number;
  /** Repair POSTs expected, per attempt. */
  posts: Map<number, number>;
  /** Funnel events expected, as `type#attempt`. */
  events: string[];
  persisted: string[];
  disposed: boolean;
}

interface RealView {
  unsubscribe: () => void;
  mounted: boolean;
  callsAfterUnmount: number;
}

interface Real {
  world: FakeWorld;
  controller: ReconnectController;
  views: Map<number, RealView>;
}

const BUSY: ReadonlySet<ReconnectFlowStatus> = new Set(['requesting', 'widget-open', 'verifying']);
const TERMINAL = new Set(['verified', 'unconfirmed', 'abandoned', 'failed']);
/** The engine puts the attempt on each event, though `ReconnectKitEvent` does not declare it. */
const attemptOf = (event: ReconnectKitEvent) => (event as ReconnectKitEvent & { attempt?: number }).attempt;
const busy = (m: Model) => BUSY.has(m.flow.status);
const keyOf = (c: Connection | undefined) => (c ? `${c.status}|${c.statusReason ?? ''}|${c.institutionMessage ?? ''}` : '');

function failureOf(answer: HostAnswer): ReconnectFlowFailure {
  if (answer === 'not-found') return 'not-found';
  if (answer === 'conflict') return 'cannot-repair';
  if (answer === 'rate-limited') return 'rate-limited';
  return 'unavailable';
}

function emit(m: Model, type: string, attempt?: number): void {
  m.events.push(`${type}#${attempt ?? ''}`);
}

function mFail(m: Model, failure: ReconnectFlowFailure): void {
  m.flow = { ...m.flow, status: 'failed', failure };
  m.session = undefined;
  emit(m, 'failed', m.flow.attempt);
}

function mStart(m: Model, variant: PromptVariant | undefined): void {
  const attempt = m.flow.attempt + 1;
  m.flow = { status: 'requesting', attempt, variant };
  emit(m, 'flow_started', attempt);
  if (m.refresh.status === 'failed') m.refresh = { status: 'idle', attempt: m.refresh.attempt };
  if (m.session !== undefined && m.now - m.session < SESSION_MAX_AGE) return; // reopens with the saved session
  m.session = undefined;
  m.posts.set(attempt, (m.posts.get(attempt) ?? 0) + 1);
}

function mRefresh(m: Model): void {
  if (m.refresh.status === 'pending' || busy(m)) return;
  const attempt = m.refresh.attempt + 1;
  m.refresh = { status: 'pending', attempt, basis: keyOf(m.connection) };
  const c = m.connection;
  if (c && !isOperationAllowed('refresh', c.status, c.statusReason ?? null)) m.refresh = { ...m.refresh, status: 'failed', failure: 'not-allowed' };
}

function mRetry(m: Model, variant: PromptVariant): void {
  const flowShows = m.flow.variant === undefined || m.flow.variant === variant;
  if (flowShows && (m.flow.status === 'failed' || m.flow.status === 'still-broken')) {
    mStart(m, m.flow.variant);
  } else if (m.refresh.status === 'failed') {
    m.refresh = { status: 'idle', attempt: m.refresh.attempt };
    mRefresh(m);
  }
}

function mReset(m: Model): void {
  if (m.flow.status !== 'idle') {
    if (busy(m)) emit(m, 'abandoned', m.flow.attempt);
    m.flow = { status: 'idle', attempt: m.flow.attempt };
  }
  if (m.refresh.status !== 'idle') m.refresh = { status: 'idle', attempt: m.refresh.attempt };
}

function mConnection(m: Model, connection: Connection): void {
  const changed = keyOf(connection) !== keyOf(m.connection);
  m.connection = connection;
  if (!changed) return;
  if (m.refresh.status === 'done' || m.refresh.status === 'failed') m.refresh = { status: 'idle', attempt: m.refresh.attempt };
  if (['still-broken', 'unconfirmed', 'cancelled', 'failed'].includes(m.flow.status) || (m.flow.status === 'verified' && connection.status !== 'ACTIVE')) {
    m.flow = { status: 'idle', attempt: m.flow.attempt };
  }
}

function mDismiss(m: Model, state: PromptState): void {
  const info = PROMPT_STATE_INFO[state];
  if (!info.dismissible) return;
  if (state === 'failed') {
    if (m.flow.status === 'failed') m.flow = { status: 'idle', attempt: m.flow.attempt };
    if (m.refresh.status === 'failed') m.refresh = { status: 'idle', attempt: m.refresh.attempt };
  } else if (state === 'unconfirmed') {
    if (m.flow.status === 'unconfirmed') m.flow = { ...m.flow, dismissed: true };
  } else if (state === 'refreshed') {
    if (m.refresh.status === 'done') m.refresh = { ...m.refresh, dismissed: true };
  } else if (info.soft) {
    m.snoozed.set(state, m.now + SNOOZE);
    m.persisted.push(`${state}@${m.now + SNOOZE}`);
  } else if (!m.dismissed.has(state)) {
    m.dismissed.add(state);
    m.persisted.push(`${state}@session`);
  }
}

/** Whether the status table asks this view to show its prompt (own reading of the docs). */
function dueState(connection: Connection | undefined, view: ViewModel): PromptState {
  const { prompt } = getStatusDecision(connection?.status, connection?.statusReason);
  if (prompt === 'none' || prompt === 'in-progress' || prompt === 'unknown') return 'hidden';
  if (view.variant === 'new-accounts') return prompt === 'new-accounts' ? 'new-accounts' : 'hidden';
  if (prompt === 'new-accounts' || (prompt === 'temporary-outage' && !view.showOutages)) return 'hidden';
  return prompt;
}

function isSilenced(m: Model, state: PromptState, view: ViewModel): boolean {
  const info = PROMPT_STATE_INFO[state];
  if (!info.dismissible) return false;
  if (state === 'unconfirmed') return m.flow.dismissed === true;
  if (state === 'refreshed') return m.refresh.dismissed === true;
  if (m.dismissed.has(state)) return true;
  const until = m.snoozed.get(state);
  return info.soft && view.hydrated && until !== undefined && until > view.mountedAt;
}

/** What the model says a view shows: its flow, else a refresh, else the table; then dismissals. */
function expectedState(m: Model, view: ViewModel, given?: Connection): PromptState {
  const connection = given ?? m.connection;
  let state: PromptState | undefined;
  if (m.flow.variant === undefined || m.flow.variant === view.variant) {
    if (m.flow.status === 'failed') state = m.flow.failure === 'cannot-repair' ? 'start-new-connection' : 'failed';
    else if (m.flow.status !== 'idle' && m.flow.status !== 'cancelled') state = m.flow.status;
  }
  if (state === undefined) {
    const due = dueState(connection, view);
    state = due;
    if (view.variant === 'banner') {
      if (m.refresh.status === 'pending') state = 'refreshing';
      else if (m.refresh.status === 'failed') state = 'failed';
      else if (m.refresh.status === 'done' && m.refresh.basis === keyOf(connection)) {
        if (due === 'partial-data') state = 'partial-data-persists';
        if (due === 'institution-action') state = 'refreshed';
      }
    }
  }
  return isSilenced(m, state, view) ? 'hidden' : state;
}

// ---------------------------------------------------------------- checks

function viewOf(m: Model, index: number): ViewModel | undefined {
  return m.views.length === 0 ? undefined : m.views[index % m.views.length];
}

function derive(r: Real, m: Model, view: ViewModel, given?: Connection): DerivedPrompt {
  return derivePrompt(r.controller.getSnapshot(), {
    variant: view.variant,
    showOutages: view.showOutages,
    hydrated: view.hydrated,
    now: view.mountedAt,
    canStartNew: view.canStartNew,
    connection: given,
  });
}

/** A cheap assertion for the checks run after every step (thousands of times per run). */
function ok(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Error(message());
}

function same<T>(actual: T, expected: T, what: string): void {
  ok(Object.is(actual, expected), () => `${what}: expected ${String(expected)}, got ${String(actual)}`);
}

function countBy<T>(items: readonly T[], key: (item: T) => number | undefined): Map<number, number> {
  const counts = new Map<number, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** No action offered that the state table (and the operation guard) forbids. */
function checkOffers(snapshot: ReconnectSnapshot, view: ViewModel, prompt: DerivedPrompt): void {
  const info = PROMPT_STATE_INFO[prompt.state];
  const { connection } = prompt;
  const where = `view ${view.id} in ${prompt.state}`;
  for (const action of prompt.actions) {
    if (action.pending) {
      ok(info.busy, () => `${where}: a pending action outside a busy state`);
      continue;
    }
    ok(!info.busy, () => `${where}: a live action in a busy state`);
    ok(
      info.offers.some((offer) => offer.id === action.id),
      () => `${where}: offers ${action.id}, which the state table does not list`,
    );
    if (info.fromTable && connection) {
      const reason = connection.statusReason ?? null;
      if (action.does === 'refresh') ok(isOperationAllowed('refresh', connection.status, reason), () => `${where}: refresh offered for ${connection.status}/${reason}`);
      if (action.does === 'flow') ok(isOperationAllowed('repair', connection.status, reason), () => `${where}: repair offered for ${connection.status}/${reason}`);
    }
    if (prompt.state === 'still-broken') ok(isOperationAllowed('repair', snapshot.flow.connectionStatus, snapshot.flow.reason), () => `${where}: repair offered for a status that forbids it`);
    if (action.does === 'start-new') ok(view.canStartNew && connection !== undefined, () => `${where}: start-new offered without a host handler or connection`);
  }
  same(prompt.dismissible, info.dismissible, `${where}: dismissible`);
}

function checkAll(m: Model, r: Real): void {
  const { world, controller } = r;
  const snapshot = controller.getSnapshot();
  // The engine agrees with the model.
  same(snapshot.connection, m.connection, 'the engine holds the last pushed connection');
  same(`${snapshot.flow.status}#${snapshot.flow.attempt}`, `${m.flow.status}#${m.flow.attempt}`, 'flow');
  same(`${snapshot.refresh.status}#${snapshot.refresh.attempt}`, `${m.refresh.status}#${m.refresh.attempt}`, 'refresh');
  same(world.events.map((e) => `${e.type}#${attemptOf(e) ?? ''}`).join(' '), m.events.join(' '), 'funnel events');
  same(world.persisted.map((p) => `${p.state}@${p.until ?? 'session'}`).join(' '), m.persisted.join(' '), 'stored dismissals');

  // At most one repair POST per attempt, and exactly the ones the model expects.
  const posts = countBy(world.repairs, (q) => q.attempt);
  for (const [attempt, count] of posts) same(count, 1, `repair POSTs for attempt ${attempt}`);
  same([...posts.keys()].join(), [...m.posts.keys()].join(), 'attempts that sent a repair POST');

  // At most one widget: one launch per attempt, live exactly while the flow waits for it.
  const live = liveWidgets(world);
  same(live.length, m.flow.status === 'requesting' || m.flow.status === 'widget-open' ? 1 : 0, `live widgets (flow ${m.flow.status})`);
  if (live[0]) same(live[0].attempt, m.flow.attempt, 'the live widget belongs to the current attempt');
  for (const [attempt, count] of countBy(world.widgets, (w) => w.attempt)) same(count, 1, `widgets launched for attempt ${attempt}`);
  for (const widget of world.widgets) ok(widget.opens <= 1, () => `widget of attempt ${widget.attempt} opened ${widget.opens} times`);

  // One verification while verifying, one timer while `verified` shows, nothing else.
  const verifying = world.verifications.filter((v) => v.state === 'pending').map((v) => v.attempt);
  same(verifying.join(), m.flow.status === 'verifying' ? String(m.flow.attempt) : '', 'verifications running');
  same(world.clock.live, m.flow.status === 'verified' ? 1 : 0, `live timers (flow ${m.flow.status})`);

  // RECONNECT_REQUIRED is never silenced beyond the session; only soft states are stored.
  for (const p of world.persisted) {
    if (p.until === undefined) continue;
    ok(p.state !== 'reconnect', () => 'reconnect was stored beyond the session');
    ok(PROMPT_STATE_INFO[p.state].soft, () => `${p.state} (not soft) was stored beyond the session`);
  }
  ok(snapshot.snoozed.reconnect === undefined, () => 'reconnect was snoozed');

  // A flow ends at most once.
  for (const [attempt, count] of countBy(world.events, (e) => (TERMINAL.has(e.type) ? attemptOf(e) : undefined))) same(count, 1, `terminal events of attempt ${attempt}`);

  for (const view of m.views) {
    const prompt = derive(r, m, view);
    same(prompt.state, expectedState(m, view), `view ${view.id} (${view.variant}${view.hydrated ? '' : ', not hydrated'}) shows`);
    checkOffers(snapshot, view, prompt);
    ok(prompt.state === 'hidden' || !isSilenced(m, prompt.state, view), () => `dismissed ${prompt.state} shows in view ${view.id}`);
  }
  for (const [id, view] of r.views) same(view.callsAfterUnmount, 0, `listener calls after view ${id} unmounted`);
}

/** What the hooks do after each render: report what shows (`prompt_shown`). */
function afterRender(m: Model, r: Real): void {
  for (const view of m.views) {
    const { state } = derive(r, m, view);
    if (state === 'hidden') continue;
    r.controller.noteShown(state);
    if (PROMPT_STATE_INFO[state].fromTable && !m.shown.has(state)) {
      m.shown.add(state);
      emit(m, 'prompt_shown');
    }
  }
}

// ---------------------------------------------------------------- commands

type Cmd = fc.AsyncCommand<Model, Real>;

abstract class Step implements Cmd {
  check(m: Readonly<Model>): boolean {
    return !m.disposed;
  }
  abstract act(m: Model, r: Real): void | Promise<void>;
  async run(m: Model, r: Real): Promise<void> {
    await this.act(m, r);
    await flush();
    if (!m.disposed) afterRender(m, r);
    checkAll(m, r);
  }
  abstract toString(): string;
}

/** Asserts that delivering something changed nothing at all. */
async function expectNoChange(r: Real, deliver: () => void): Promise<void> {
  const before = r.controller.getSnapshot();
  const events = r.world.events.length;
  const widgets = r.world.widgets.length;
  deliver();
  await flush();
  expect(r.controller.getSnapshot()).toBe(before);
  expect(r.world.events.length).toBe(events);
  expect(r.world.widgets.length).toBe(widgets);
}

class Push extends Step {
  constructor(
    readonly row: number,
    readonly message: number,
  ) {
    super();
  }
  act(m: Model, r: Real) {
    const connection = connectionOf(ROWS[this.row]!, this.message);
    r.controller.setConnection(connection);
    mConnection(m, connection);
  }
  override async run(m: Model, r: Real) {
    await super.run(m, r);
    // After a push each view shows it, unless its flow or a refresh is on screen.
    for (const view of m.views) {
      const flowShows = (m.flow.variant === undefined || m.flow.variant === view.variant) && m.flow.status !== 'idle' && m.flow.status !== 'cancelled';
      const refreshShows = view.variant === 'banner' && m.refresh.status !== 'idle';
      if (flowShows || refreshShows) continue;
      const due = dueState(m.connection, view);
      expect(derive(r, m, view).state).toBe(isSilenced(m, due, view) ? 'hidden' : due);
    }
  }
  toString() {
    const row = ROWS[this.row]!;
    return `push(${row.status}/${row.reason}${this.message ? `, msg ${this.message}` : ''})`;
  }
}

class ChangeProp extends Step {
  constructor(
    readonly view: number,
    readonly row: number,
    readonly message: number,
  ) {
    super();
  }
  override check(m: Readonly<Model>) {
    return !m.disposed && m.views.length > 0;
  }
  act(m: Model, r: Real) {
    const view = viewOf(m, this.view)!;
    const given = connectionOf(ROWS[this.row]!, this.message);
    // The render with the new object shows it at once, before the effect hands it over.
    expect(derive(r, m, view, given).state).toBe(expectedState(m, view, given));
    r.controller.setConnection(given);
    mConnection(m, given);
  }
  toString() {
    const row = ROWS[this.row]!;
    return `prop(view ${this.view}, ${row.status}/${row.reason}${this.message ? `, msg ${this.message}` : ''})`;
  }
}

class Mount extends Step {
  constructor(
    readonly variant: PromptVariant,
    readonly showOutages: boolean,
    readonly hydrated: boolean,
    readonly canStartNew: boolean,
  ) {
    super();
  }
  override check(m: Readonly<Model>) {
    return !m.disposed && m.views.length < 3;
  }
  act(m: Model, r: Real) {
    const id = m.nextView++;
    m.views.push({ id, variant: this.variant, showOutages: this.showOutages, hydrated: this.hydrated, canStartNew: this.canStartNew, mountedAt: m.now });
    const view: RealView = { mounted: true, callsAfterUnmount: 0, unsubscribe: () => {} };
    view.unsubscribe = r.controller.subscribe(() => {
      if (!view.mounted) view.callsAfterUnmount += 1;
    });
    r.views.set(id, view);
  }
  toString() {
    return `mount(${this.variant}${this.showOutages ? ', outages' : ''}${this.hydrated ? '' : ', not hydrated'}${this.canStartNew ? ', start-new' : ''})`;
  }
}

class Unmount extends Step {
  constructor(readonly view: number) {
    super();
  }
  override check(m: Readonly<Model>) {
    return !m.disposed && m.views.length > 0;
  }
  act(m: Model, r: Real) {
    const view = viewOf(m, this.view)!;
    m.views = m.views.filter((v) => v !== view);
    const real = r.views.get(view.id)!;
    real.mounted = false;
    real.unsubscribe();
  }
  toString() {
    return `unmount(view ${this.view})`;
  }
}

class Click extends Step {
  constructor(
    readonly view: number,
    readonly action: number,
  ) {
    super();
  }
  override check(m: Readonly<Model>) {
    return !m.disposed && m.views.length > 0;
  }
  act(m: Model, r: Real) {
    const view = viewOf(m, this.view)!;
    const actions = derive(r, m, view).actions.filter((a) => !a.pending);
    const action = actions[this.action % Math.max(1, actions.length)];
    if (!action) return;
    const pressed: PromptOffer = { id: action.id, label: action.label, emphasis: action.emphasis, does: action.does };
    // As useReconnectPrompt runs them.
    if (action.does === 'flow') {
      r.controller.start({ variant: view.variant, pressed });
      if (!busy(m)) mStart(m, view.variant);
    } else if (action.does === 'refresh') {
      r.controller.refresh(pressed);
      mRefresh(m);
    } else if (action.does === 'retry') {
      r.controller.retry(pressed, view.variant);
      mRetry(m, view.variant);
    }
  }
  override async run(m: Model, r: Real) {
    const view = viewOf(m, this.view);
    const actions = view ? derive(r, m, view).actions.filter((a) => !a.pending) : [];
    const action = actions[this.action % Math.max(1, actions.length)];
    const flowShows = view !== undefined && (m.flow.variant === undefined || m.flow.variant === view.variant);
    const retriesFlow = action?.does === 'retry' && flowShows && (m.flow.status === 'failed' || m.flow.status === 'still-broken');
    const before = r.controller.getSnapshot();
    const events = r.world.events.length;
    await super.run(m, r);
    // Retry on a failed flow runs the flow again (not something else that failed).
    if (retriesFlow) ok(r.world.events.slice(events).some((e) => e.type === 'flow_started'), () => `retry in view ${view.id} on a failed flow started no flow`);
    // An offered button is never dead: pressing it starts what it says.
    if (view && action && action.does !== 'start-new') ok(r.controller.getSnapshot() !== before, () => `pressing ${action.id} in view ${view.id} did nothing`);
  }
  toString() {
    return `click(view ${this.view}, action ${this.action})`;
  }
}

class Dismiss extends Step {
  constructor(readonly view: number) {
    super();
  }
  override check(m: Readonly<Model>) {
    return !m.disposed && m.views.length > 0;
  }
  act(m: Model, r: Real) {
    const view = viewOf(m, this.view)!;
    const prompt = derive(r, m, view);
    if (!prompt.dismissible) return;
    r.controller.dismiss(prompt.state);
    mDismiss(m, prompt.state);
  }
  override async run(m: Model, r: Real) {
    const view = viewOf(m, this.view)!;
    const prompt = derive(r, m, view);
    await super.run(m, r);
    if (!prompt.dismissible) return;
    // A dismissal covers every view of the connection (a snooze, every hydrated one).
    for (const other of m.views) {
      if (PROMPT_STATE_INFO[prompt.state].soft && !other.hydrated) continue;
      expect(derive(r, m, other).state, `view ${other.id} after dismissing ${prompt.state}`).not.toBe(prompt.state);
    }
  }
  toString() {
    return `dismiss(view ${this.view})`;
  }
}

class Cancel extends Step {
  act(m: Model, r: Real) {
    r.controller.reset();
    mReset(m);
  }
  toString() {
    return 'cancel';
  }
}

/** `useReconnectFlow().start(mode)`: a flow for every view of the connection. */
class StartNew extends Step {
  constructor(readonly mode: WidgetMode) {
    super();
  }
  act(m: Model, r: Real) {
    r.controller.start({ mode: this.mode });
    if (!busy(m)) mStart(m, undefined);
  }
  toString() {
    return `start(${this.mode})`;
  }
}

function openingWidget(r: Real) {
  return liveWidgets(r.world).find((w) => w.state === 'opening');
}

class WidgetLoads extends Step {
  constructor(readonly popupBlocked: boolean) {
    super();
  }
  act(m: Model, r: Real) {
    const widget = openingWidget(r);
    if (!widget?.handlers) return;
    const blocked = this.popupBlocked && widget.mode === 'popup';
    const current = widget.attempt === m.flow.attempt && m.flow.status === 'requesting';
    if (blocked) {
      widget.handlers.popupBlocked();
      if (current) emit(m, 'popup_blocked', widget.attempt);
      widget.mode = 'dialog';
    }
    widget.state = 'open';
    widget.handlers.opened(widget.mode);
    if (current) {
      m.flow = { ...m.flow, status: 'widget-open' };
      emit(m, 'widget_opened', widget.attempt);
    }
  }
  toString() {
    return `widget loads${this.popupBlocked ? ' (popup blocked)' : ''}`;
  }
}

class WidgetLoadFails extends Step {
  act(m: Model, r: Real) {
    const widget = openingWidget(r);
    if (!widget?.handlers) return;
    widget.state = 'ended';
    widget.handlers.error(new Error('the launcher failed to load'), widget.mode);
    if (widget.attempt === m.flow.attempt && BUSY.has(m.flow.status) && m.flow.status !== 'verifying') mFail(m, 'unavailable');
  }
  toString() {
    return 'widget fails to load';
  }
}

type WidgetMessageKind = 'complete' | 'error' | 'customer-close' | 'replaced';

class WidgetMessage extends Step {
  constructor(readonly kind: WidgetMessageKind) {
    super();
  }
  act(m: Model, r: Real) {
    const widget = liveWidgets(r.world).find((w) => w.state === 'open');
    if (!widget?.handlers) return;
    widget.state = 'ended';
    const current = widget.attempt === m.flow.attempt && (m.flow.status === 'requesting' || m.flow.status === 'widget-open');
    const { handlers, mode } = widget;
    if (this.kind === 'complete') {
      handlers.complete(mode);
      if (current) {
        m.session = undefined;
        m.flow = { ...m.flow, status: 'verifying' };
        emit(m, 'widget_completed', widget.attempt);
      }
    } else if (this.kind === 'error') {
      handlers.error(new WidgetError({ reason: 'institution_error' }), mode);
      if (current) mFail(m, 'widget-error');
    } else {
      handlers.closed(this.kind === 'customer-close' ? 'closed-by-customer' : 'replaced', mode);
      if (current) {
        m.flow = { ...m.flow, status: 'cancelled' };
        emit(m, 'abandoned', widget.attempt);
      }
    }
  }
  toString() {
    return `widget ${this.kind}`;
  }
}

/** A message from another origin: the launcher drops it (see openMeldWidget.origin.test.ts). */
class ForeignMessage extends Step {
  act() {}
  override async run(m: Model, r: Real) {
    await expectNoChange(r, () => {});
    await super.run(m, r);
  }
  toString() {
    return 'foreign-origin message';
  }
}

/** A late message from the widget of a superseded attempt. */
class StaleWidgetEvent extends Step {
  constructor(
    readonly which: number,
    readonly kind: WidgetMessageKind | 'opened',
  ) {
    super();
  }
  act() {}
  override async run(m: Model, r: Real) {
    const stale = r.world.widgets.filter((w) => w.state === 'ended' && w.handlers && w.attempt < m.flow.attempt);
    const widget = stale[this.which % Math.max(1, stale.length)];
    if (widget?.handlers) {
      const { handlers, mode } = widget;
      await expectNoChange(r, () => {
        if (this.kind === 'complete') handlers.complete(mode);
        else if (this.kind === 'error') handlers.error(new WidgetError({}), mode);
        else if (this.kind === 'opened') handlers.opened(mode);
        else handlers.closed(this.kind === 'customer-close' ? 'closed-by-customer' : 'replaced', mode);
      });
    }
    await super.run(m, r);
  }
  toString() {
    return `stale widget ${this.kind} (${this.which})`;
  }
}

class RepairAnswer extends Step {
  constructor(
    readonly which: number,
    readonly answer: HostAnswer,
  ) {
    super();
  }
  act(m: Model, r: Real) {
    const pending = r.world.repairs.filter((q) => q.state === 'pending');
    const request = pending[this.which % Math.max(1, pending.length)];
    if (!request) return;
    const current = request.attempt === m.flow.attempt && m.flow.status === 'requesting';
    r.world.answerRepair(request, this.answer);
    if (!current || this.answer === 'never') return;
    if (this.answer === 'ok') m.session = m.now;
    else mFail(m, failureOf(this.answer));
  }
  override async run(m: Model, r: Real) {
    const pending = r.world.repairs.filter((q) => q.state === 'pending');
    const request = pending[this.which % Math.max(1, pending.length)];
    if (request && (request.attempt !== m.flow.attempt || m.flow.status !== 'requesting')) {
      // An answer for a superseded attempt changes nothing.
      await expectNoChange(r, () => r.world.answerRepair(request, this.answer));
    }
    await super.run(m, r);
  }
  toString() {
    return `repair answers ${this.answer} (${this.which})`;
  }
}

class RefreshAnswer extends Step {
  constructor(
    readonly which: number,
    readonly answer: HostAnswer,
  ) {
    super();
  }
  act(m: Model, r: Real) {
    const pending = r.world.refreshes.filter((q) => q.state === 'pending');
    const request = pending[this.which % Math.max(1, pending.length)];
    if (!request) return;
    const current = request.attempt === m.refresh.attempt && m.refresh.status === 'pending';
    r.world.answerRefresh(request, this.answer);
    if (!current || this.answer === 'never') return;
    m.refresh = this.answer === 'ok' ? { ...m.refresh, status: 'done' } : { ...m.refresh, status: 'failed', failure: failureOf(this.answer) };
  }
  toString() {
    return `refresh answers ${this.answer} (${this.which})`;
  }
}

class VerifyResult extends Step {
  constructor(readonly answer: VerifyAnswer) {
    super();
  }
  act(m: Model, r: Real) {
    const call = r.world.verifications.find((v) => v.state === 'pending');
    if (!call) return;
    const current = call.attempt === m.flow.attempt && m.flow.status === 'verifying';
    r.world.answerVerify(call, this.answer);
    if (!current) return;
    const { attempt } = m.flow;
    if (this.answer === 'verified') {
      m.flow = { ...m.flow, status: 'verified', verifiedAt: m.now };
      emit(m, 'verified', attempt);
    } else if (this.answer === 'still-broken') {
      m.flow = { ...m.flow, status: 'still-broken', failure: 'still-broken' };
      emit(m, 'failed', attempt);
    } else if (this.answer === 'timed-out') {
      m.flow = { ...m.flow, status: 'unconfirmed' };
      emit(m, 'unconfirmed', attempt);
    } else mFail(m, 'unavailable');
  }
  toString() {
    return `verification: ${this.answer}`;
  }
}

class Advance extends Step {
  constructor(readonly ms: number) {
    super();
  }
  act(m: Model, r: Real) {
    r.world.clock.advance(this.ms);
    m.now += this.ms;
    if (m.flow.status === 'verified' && m.flow.verifiedAt !== undefined && m.flow.verifiedAt + VERIFIED_VISIBLE <= m.now) {
      m.flow = { status: 'idle', attempt: m.flow.attempt };
    }
  }
  toString() {
    return `advance ${this.ms} ms`;
  }
}

/** The registry disposes a connection's controller after its last view unmounts. */
class Dispose extends Step {
  override check(m: Readonly<Model>) {
    return !m.disposed && m.views.length === 0;
  }
  act(m: Model, r: Real) {
    r.controller.dispose();
    mReset(m);
    m.disposed = true;
  }
  toString() {
    return 'dispose';
  }
}

/**
 * Moves whatever the flow waits on: the host answers the repair, the widget
 * loads, the customer finishes in it, verification settles. Weighted so
 * that flows get far, not only started.
 */
class Progress extends Step {
  constructor(readonly seed: number) {
    super();
  }
  act(m: Model, r: Real) {
    const { world } = r;
    const pick = <T>(items: readonly T[]): T => items[this.seed % items.length]!;
    const repair = world.repairs.find((q) => q.state === 'pending' && q.attempt === m.flow.attempt);
    if (repair) return new RepairAnswer(world.repairs.filter((q) => q.state === 'pending').indexOf(repair), pick(PROGRESS_ANSWERS)).act(m, r);
    const widget = liveWidgets(world)[0];
    if (widget?.state === 'opening') return new WidgetLoads(this.seed % 5 === 0).act(m, r);
    if (widget?.state === 'open') return new WidgetMessage(pick(PROGRESS_MESSAGES)).act(m, r);
    if (world.verifications.some((v) => v.state === 'pending')) return new VerifyResult(pick(PROGRESS_VERIFY)).act(m, r);
    const refresh = world.refreshes.find((q) => q.state === 'pending');
    if (refresh) return new RefreshAnswer(world.refreshes.filter((q) => q.state === 'pending').indexOf(refresh), pick(PROGRESS_ANSWERS)).act(m, r);
  }
  toString() {
    return `progress(${this.seed})`;
  }
}

const PROGRESS_ANSWERS: HostAnswer[] = ['ok', 'ok', 'ok', 'ok', 'server', 'conflict', 'not-found', 'rate-limited', 'timeout'];
const PROGRESS_MESSAGES: WidgetMessageKind[] = ['complete', 'complete', 'complete', 'error', 'customer-close', 'replaced'];
const PROGRESS_VERIFY: VerifyAnswer[] = ['verified', 'verified', 'still-broken', 'timed-out', 'error'];

const ANSWERS: HostAnswer[] = ['ok', 'ok', 'ok', 'not-found', 'conflict', 'rate-limited', 'server', 'timeout', 'never'];

const push = fc.tuple(rowArb, messageArb).map(([row, message]) => new Push(row, message));
const click = fc.tuple(fc.nat(2), fc.nat(1)).map(([view, action]) => new Click(view, action));
const repairAnswer = fc.tuple(fc.nat(3), fc.constantFrom(...ANSWERS)).map(([which, answer]) => new RepairAnswer(which, answer));
const widgetLoads = fc.boolean().map((blocked) => new WidgetLoads(blocked));
const widgetMessage = fc.constantFrom<WidgetMessageKind>('complete', 'complete', 'complete', 'error', 'customer-close', 'replaced').map((kind) => new WidgetMessage(kind));
const verifyResult = fc.constantFrom<VerifyAnswer>('verified', 'verified', 'still-broken', 'timed-out', 'error').map((answer) => new VerifyResult(answer));
const refreshAnswer = fc.tuple(fc.nat(3), fc.constantFrom(...ANSWERS)).map(([which, answer]) => new RefreshAnswer(which, answer));

// Repeated entries weigh more: clicks and answers keep flows moving.
const progress = fc.nat(1000).map((seed) => new Progress(seed));
const commandArbs: fc.Arbitrary<Cmd>[] = [
  progress,
  progress,
  progress,
  progress,
  progress,
  progress,
  push,
  push,
  fc.tuple(fc.nat(2), rowArb, messageArb).map(([view, row, message]) => new ChangeProp(view, row, message)),
  fc
    .tuple(fc.constantFrom<PromptVariant>('banner', 'banner', 'new-accounts'), fc.boolean(), fc.constantFrom(true, true, false), fc.boolean())
    .map(([variant, outages, hydrated, startNew]) => new Mount(variant, outages, hydrated, startNew)),
  fc.nat(2).map((view) => new Unmount(view)),
  click,
  click,
  click,
  click,
  fc.nat(2).map((view) => new Dismiss(view)),
  fc.constant(new Cancel()),
  fc.constantFrom<WidgetMode>('dialog', 'popup').map((mode) => new StartNew(mode)),
  widgetLoads,
  fc.constant(new WidgetLoadFails()),
  widgetMessage,
  fc.constant(new ForeignMessage()),
  fc
    .tuple(fc.nat(3), fc.constantFrom<WidgetMessageKind | 'opened'>('complete', 'error', 'customer-close', 'replaced', 'opened'))
    .map(([which, kind]) => new StaleWidgetEvent(which, kind)),
  repairAnswer,
  refreshAnswer,
  verifyResult,
  fc.constantFrom(1_000, VERIFIED_VISIBLE, 60_000, SESSION_MAX_AGE + 1, SNOOZE + 1).map((ms) => new Advance(ms)),
  fc.constant(new Dispose()),
];

// ---------------------------------------------------------------- the property

function setup(initial: { row: number; message: number } | null) {
  const world = createFakeWorld(ID);
  const connection = initial ? connectionOf(ROWS[initial.row]!, initial.message) : undefined;
  const controller = createReconnectController(ID, world.ports, { connection });
  world.snapshot = () => controller.getSnapshot();
  const model: Model = {
    now: world.clock.now(),
    connection,
    flow: { status: 'idle', attempt: 0 },
    refresh: { status: 'idle', attempt: 0 },
    session: undefined,
    dismissed: new Set(),
    snoozed: new Map(),
    shown: new Set(),
    views: [],
    nextView: 0,
    posts: new Map(),
    events: [],
    persisted: [],
    disposed: false,
  };
  return { model, real: { world, controller, views: new Map<number, RealView>() } };
}

/** The last view unmounts, the controller is disposed, then every late answer arrives. */
async function finish(m: Model, r: Real): Promise<void> {
  for (const view of m.views) {
    const real = r.views.get(view.id)!;
    real.mounted = false;
    real.unsubscribe();
  }
  m.views = [];
  if (!m.disposed) {
    r.controller.dispose();
    mReset(m);
    m.disposed = true;
  }
  await flush();
  checkAll(m, r);
  const { world } = r;
  expect(r.controller.openResources).toBe(0);
  expect(world.clock.live).toBe(0);
  expect(world.verifyListeners).toBe(0);
  expect(liveWidgets(world)).toEqual([]);

  // Every started flow ended in exactly one terminal event.
  const started = world.events.filter((e) => e.type === 'flow_started').map(attemptOf);
  for (const attempt of started) {
    expect(world.events.filter((e) => TERMINAL.has(e.type) && attemptOf(e) === attempt).map((e) => e.type), `attempt ${attempt}`).toHaveLength(1);
  }

  // No late answer changes anything after dispose (their attempts are over).
  await expectNoChange(r, () => {
    for (const q of world.repairs) world.answerRepair(q, 'ok');
    for (const q of world.refreshes) world.answerRefresh(q, 'ok');
    for (const v of world.verifications) world.answerVerify(v, 'verified');
    world.clock.advance(SNOOZE);
  });
  expect(r.controller.openResources).toBe(0);
  // A disposed engine may be taken back by a view (a render that committed late): it works again.
  r.controller.start({ mode: 'dialog' });
  expect(r.controller.getSnapshot().flow.status).toBe('requesting');
  r.controller.dispose();
  await flush();
  expect(r.controller.openResources).toBe(0);
  expect(liveWidgets(world)).toEqual([]);
  for (const view of r.views.values()) expect(view.callsAfterUnmount).toBe(0);
}

const initialArb = fc.option(fc.record({ row: rowArb, message: messageArb }), { nil: null });
const viewsArb = fc.array(
  fc.record({
    variant: fc.constantFrom<PromptVariant>('banner', 'banner', 'new-accounts'),
    showOutages: fc.boolean(),
    hydrated: fc.constantFrom(true, true, false),
    canStartNew: fc.boolean(),
  }),
  { minLength: 1, maxLength: 3 },
);

beforeAll(() => {
  // Unknown statuses warn once each in development; expected here.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(() => vi.restoreAllMocks());

describe('reconnect engine, model-based', () => {
  it(`should match the reference model over ${NUM_RUNS} random sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(initialArb, viewsArb, fc.commands(commandArbs, { maxCommands: 25, size: '+1' }), async (initial, views, commands) => {
        const { model, real } = setup(initial);
        for (const v of views) new Mount(v.variant, v.showOutages, v.hydrated, v.canStartNew).act(model, real);
        afterRender(model, real);
        await fc.asyncModelRun(() => ({ model, real }), commands);
        await finish(model, real);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);
});
