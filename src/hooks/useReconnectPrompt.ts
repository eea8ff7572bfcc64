import { useEffect, useRef, useState } from 'react';
import { warnOnce } from '../core/dev.js';
import { getStatusDecision, type StatusDecision } from '../core/getStatusDecision.js';
import type { ReconnectFlowFailure } from '../core/flowFailure.js';
import { classifyFlowError } from '../core/flowFailure.js';
import type { Severity } from '../core/statuses.js';
import type { Connection } from '../core/types.js';
import { formatMessage, messageLookup } from '../i18n/messages.js';
import { promptMessages } from '../i18n/promptMessages.js';
import { loadFlowRuntime } from './loadFlowRuntime.js';
import { getKitState } from './kitState.js';
import { isPromptDue, usePromptConnection, type PromptVariant } from './promptConnection.js';
import { useReconnectKit, type DismissStorage } from './ReconnectKitContext.js';
import { useHydrated } from './useHydrated.js';
import { useReconnectFlow, type UseReconnectFlowResult } from './useReconnectFlow.js';
import { useRefreshConnection } from './useRefreshConnection.js';

type PromptMessageKey = keyof typeof promptMessages;

/** What a prompt shows: a status prompt, or where a flow the customer started is. */
export type PromptState =
  | 'hidden'
  | 'reconnect'
  | 'expiring-soon'
  | 'new-accounts'
  | 'partial-data'
  | 'partial-data-persists'
  | 'institution-action'
  | 'institution-repairing'
  | 'temporary-outage'
  | 'refresh-on-demand'
  | 'start-new-connection'
  | 'choose-another-institution'
  | 'requesting'
  | 'widget-open'
  | 'verifying'
  | 'verified'
  | 'still-broken'
  | 'unconfirmed'
  | 'refreshing'
  | 'refreshed'
  | 'failed';

export type PromptActionId = 'reconnect' | 'retry' | 'refresh' | 'done' | 'start-new' | 'add-accounts';

export interface PromptAction {
  id: PromptActionId;
  label: string;
  emphasis: 'primary' | 'secondary';
  run: () => void;
  /**
   * The action the customer pressed, while what it started is under way
   * (requesting, widget open, verifying, refreshing): render it
   * `aria-disabled`, so that the button, and the focus on it, stay put.
   * `run` does nothing meanwhile.
   */
  pending?: boolean | undefined;
}

/** What a prompt's buttons need: spread on a `<button>`. */
export interface PromptButtonProps {
  type: 'button';
  onClick: () => void;
  children?: string;
}

export interface UseReconnectPromptOptions {
  /** `banner` (default): every prompt but new accounts. `new-accounts`: only ACTIVE + NEW_ACCOUNTS_AVAILABLE. */
  variant?: PromptVariant | undefined;
  /** Show an informational line for temporary outages (no call to action). Defaults to `false`. */
  showOutages?: boolean | undefined;
  /** Overrides the provider's `onStartNewConnection` for this prompt. */
  onStartNewConnection?: ((connection: Connection) => void) | undefined;
}

export interface UseReconnectPromptResult {
  connection: Connection | undefined;
  decision: StatusDecision;
  flow: UseReconnectFlowResult;
  state: PromptState;
  severity: Severity;
  visible: boolean;
  /** The prompt's text, from the catalog. */
  message: string;
  /** The institution's own message (INSTITUTION_ACTION_REQUIRED), as plain text. */
  detail: string | undefined;
  /**
   * For prompts about stale data: "Last updated {date}", from `successfullyAggregatedAt`, in the
   * provider's `locale` (English by default) and the customer's time zone (UTC while server
   * rendering and hydrating, so the HTML matches).
   */
  lastUpdated: string | undefined;
  /** `assertive` only when an action the customer just started failed. */
  politeness: 'polite' | 'assertive';
  actions: PromptAction[];
  dismissible: boolean;
  dismiss: () => void;
  /** The kit's label for the dismiss button. */
  dismissLabel: string;
  /** Props for the prompt's root element. */
  rootProps: { role: 'status' | 'alert'; 'data-state': PromptState; 'data-severity': Severity; lang?: string };
  /** Props for a button that runs one of `actions` (spread them, add your own children or keep `children`). */
  getActionProps: (action: PromptAction) => PromptButtonProps & {
    'data-action': PromptActionId;
    'data-emphasis': PromptAction['emphasis'];
    'aria-disabled'?: true;
  };
  /** Props for the dismiss button: its accessible name comes from the catalog. */
  dismissProps: PromptButtonProps & { 'aria-label': string };
}

/** Event time; read in effects only. */
const timestamp = () => Date.now();
const SOFT_SNOOZE_MS = 3 * 24 * 60 * 60 * 1000;
const VERIFIED_VISIBLE_MS = 4_000;

/** States the status table decides (for `prompt_shown`), as opposed to a flow's. */
const TABLE_STATES: ReadonlySet<PromptState> = new Set([
  'reconnect', 'expiring-soon', 'new-accounts', 'partial-data', 'partial-data-persists', 'institution-action',
  'institution-repairing', 'temporary-outage', 'refresh-on-demand', 'start-new-connection', 'choose-another-institution',
]);
/** States whose data is stale: they say when it last updated. */
const STALE: ReadonlySet<PromptState> = new Set([
  'reconnect', 'partial-data', 'partial-data-persists', 'institution-repairing', 'temporary-outage', 'start-new-connection',
]);
const BUSY: ReadonlySet<PromptState> = new Set(['requesting', 'widget-open', 'verifying', 'refreshing']);
const INFO: ReadonlySet<PromptState> = new Set(['verified', 'refreshed', 'requesting', 'widget-open', 'verifying', 'refreshing', 'unconfirmed']);

/** Soft prompts may be snoozed for days; the others only for the session. */
const SOFT: ReadonlySet<PromptState> = new Set(['expiring-soon', 'new-accounts', 'temporary-outage', 'institution-repairing', 'refresh-on-demand']);
const DISMISSIBLE: ReadonlySet<PromptState> = new Set([...SOFT, 'reconnect', 'partial-data', 'partial-data-persists', 'institution-action', 'start-new-connection', 'choose-another-institution', 'unconfirmed', 'failed']);

/**
 * The date in the catalog's locale (English unless the provider says), never the
 * runtime's, so a server and a browser set to other languages write the same;
 * in UTC until hydrated (the server cannot know the customer's zone), then in
 * the customer's own time zone.
 */
function lastUpdatedText(at: string | null | undefined, locale: string | undefined, timeZone: string | undefined, template: string): string | undefined {
  const date = at ? new Date(at) : undefined;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  try {
    return formatMessage(template, { date: new Intl.DateTimeFormat(locale ?? 'en', { dateStyle: 'medium', timeZone }).format(date) });
  } catch {
    return undefined; // an invalid locale tag
  }
}

function dismissKey(connectionId: string, state: PromptState) {
  return `meld-reconnect-kit:dismissed:${connectionId}:${state}`;
}

function isDismissed(session: Set<string>, storage: DismissStorage | null, connectionId: string, state: PromptState, now: number): boolean {
  const key = dismissKey(connectionId, state);
  if (session.has(key)) return true;
  if (!SOFT.has(state) || !storage) return false;
  try {
    const until = Number(storage.getItem(key));
    return Number.isFinite(until) && until > now;
  } catch {
    return false;
  }
}

/**
 * The headless hook every prompt component is built on: decides, from Meld's
 * status table and the reconnect flow, what to show for one connection and
 * which actions to offer, and hands back the text (from the catalog), the
 * actions with their handlers, and the root's ARIA and data attributes.
 *
 * Pass a `connectionId` (read through the kit's cache) or a `connection` the
 * host already has (pushed changes still update it).
 */
export function useReconnectPrompt(
  target: string | Connection,
  options: UseReconnectPromptOptions = {},
): UseReconnectPromptResult {
  const kit = useReconnectKit('useReconnectPrompt');
  const { messages, queryClient, dismissStorage, emit, locale } = kit;
  const connectionId = typeof target === 'string' ? target : target.id;
  const connection = usePromptConnection(target, queryClient);
  const decision = getStatusDecision(connection?.status, connection?.statusReason);
  const hydrated = useHydrated();
  const flow = useReconnectFlow(connectionId);
  const refresh = useRefreshConnection();
  const [refreshedAt, setRefreshedAt] = useState<number | undefined>(undefined);
  const [dismissals, setDismissals] = useState(0);
  const [pressed, setPressed] = useState<Pick<PromptAction, 'id' | 'label' | 'emphasis'> | undefined>(undefined);
  // Snoozes are compared with the time the prompt mounted (render stays pure).
  const [mountedAt] = useState(() => Date.now());
  const variant = options.variant ?? 'banner';

  const t = messageLookup(messages, promptMessages);
  const institution = connection?.institutionName || t('institution.fallback');
  const text = (key: PromptMessageKey) => formatMessage(t(key), { institution });

  let state: PromptState;
  let failure: ReconnectFlowFailure | 'not-allowed' | undefined;
  if (flow.status === 'failed' && flow.failure === 'cannot-repair') state = 'start-new-connection';
  else if (flow.status === 'failed') {
    state = 'failed';
    failure = flow.failure;
  } else if (flow.status !== 'idle' && flow.status !== 'cancelled') state = flow.status;
  else if (refresh.isPending) state = 'refreshing';
  else if (refresh.isError) {
    state = 'failed';
    failure = refresh.error.name === 'OperationNotAllowedError' ? 'not-allowed' : classifyFlowError(refresh.error);
  } else {
    state = isPromptDue(decision.prompt, variant, options.showOutages) ? (decision.prompt as PromptState) : 'hidden';
    if (state === 'partial-data' && refreshedAt !== undefined) state = 'partial-data-persists';
    if (state === 'institution-action' && refreshedAt !== undefined) state = 'refreshed';
  }

  // Read fresh on every render: cheap, and a dismissal elsewhere is seen at once.
  void dismissals;
  if (DISMISSIBLE.has(state) && isDismissed(getKitState(queryClient).dismissed, hydrated ? dismissStorage : null, connectionId, state, mountedAt)) state = 'hidden';

  const startNew = options.onStartNewConnection ?? kit.onStartNewConnection;
  const offered = ((): PromptAction[] => {
    const start = () => flow.start();
    const doRefresh = () => refresh.mutate(connectionId, { onSuccess: () => setRefreshedAt(Date.now()) });
    const startNewAction = (label: PromptMessageKey): PromptAction[] =>
      startNew && connection ? [{ id: 'start-new', label: text(label), emphasis: 'primary', run: () => startNew(connection) }] : [];
    switch (state) {
      case 'reconnect':
      case 'expiring-soon':
      case 'partial-data-persists':
        return [{ id: 'reconnect', label: text('action.reconnect'), emphasis: 'primary', run: start }];
      case 'new-accounts':
        return [{ id: 'add-accounts', label: text('action.add-new-accounts'), emphasis: 'primary', run: start }];
      case 'institution-repairing':
        return [{ id: 'retry', label: text('action.try-again-later'), emphasis: 'secondary', run: start }];
      case 'institution-action':
        return [{ id: 'done', label: text('action.done'), emphasis: 'primary', run: doRefresh }];
      case 'partial-data':
        return [{ id: 'refresh', label: text('action.refresh'), emphasis: 'primary', run: doRefresh }];
      case 'refresh-on-demand':
        return [{ id: 'refresh', label: text('action.update-now'), emphasis: 'primary', run: doRefresh }];
      case 'start-new-connection':
        return startNewAction('action.connect-again');
      case 'choose-another-institution':
        return startNewAction('action.connect-another-bank');
      case 'still-broken':
        return [{ id: 'retry', label: text('action.retry'), emphasis: 'primary', run: start }];
      case 'failed':
        return failure === 'not-found' || failure === 'unsafe-widget-url' || failure === 'not-allowed'
          ? []
          : [
              {
                id: 'retry',
                label: text('action.retry'),
                emphasis: 'primary',
                run: () => {
                  refresh.reset();
                  flow.reset();
                  if (flow.status === 'failed') flow.start();
                },
              },
            ];
      default:
        return [];
    }
  })();
  // The pressed action stays, pending, while what it started is under way.
  const actions: PromptAction[] = BUSY.has(state)
    ? pressed
      ? [{ ...pressed, pending: true, run: () => {} }]
      : []
    : offered.map((action) => ({
        ...action,
        run: () => {
          setPressed({ id: action.id, label: action.label, emphasis: action.emphasis });
          action.run();
        },
      }));

  if ((state === 'start-new-connection' || state === 'choose-another-institution') && !startNew) {
    warnOnce(() => [
      'prompt:no-start-new',
      'ReconnectBanner: this connection needs a new connection, but no onStartNewConnection was given to <ReconnectKitProvider>; the prompt shows no action.',
    ]);
  }

  // Load the widget launcher while the customer reads, so the click does not wait for it.
  const offersFlow = actions.some((a) => a.id === 'reconnect' || a.id === 'add-accounts' || a.id === 'retry');
  useEffect(() => {
    if (offersFlow) loadFlowRuntime().catch(() => {});
  }, [offersFlow]);

  // Success shows for a few seconds; then the flow goes idle and the (now
  // healthy) status decides, which for ACTIVE is nothing.
  const { status: flowStatus, reset: resetFlow } = flow;
  useEffect(() => {
    if (flowStatus !== 'verified') return;
    const timer = setTimeout(resetFlow, VERIFIED_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [flowStatus, resetFlow]);

  // prompt_shown, once per connection and prompt while mounted.
  const shown = useRef(new Set<string>());
  useEffect(() => {
    if (!TABLE_STATES.has(state) || shown.current.has(state)) return;
    shown.current.add(state);
    emit({ type: 'prompt_shown', connectionId, at: timestamp(), status: connection?.status, reason: connection?.statusReason ?? null });
  }, [state, emit, connectionId, connection?.status, connection?.statusReason]);

  const dismiss = () => {
    if (state === 'failed') {
      // A failure is put away, not remembered: back to what the status says.
      refresh.reset();
      flow.reset();
      return;
    }
    const key = dismissKey(connectionId, state);
    if (SOFT.has(state) && dismissStorage) {
      try {
        dismissStorage.setItem(key, String(Date.now() + SOFT_SNOOZE_MS));
      } catch {
        getKitState(queryClient).dismissed.add(key);
      }
    } else {
      getKitState(queryClient).dismissed.add(key);
    }
    setDismissals((n) => n + 1);
  };

  const dismissLabel = t(SOFT.has(state) ? 'action.remind-later' : 'action.dismiss');
  const message = state === 'hidden' ? '' : text(failure ? `error.${failure}` : (`prompt.${state}` as PromptMessageKey));
  const politeness = state === 'failed' || state === 'still-broken' ? 'assertive' : 'polite';
  const severity: Severity = INFO.has(state) ? 'info' : politeness === 'assertive' ? 'critical' : decision.severity;

  return {
    connection,
    decision,
    flow,
    state,
    severity,
    visible: state !== 'hidden',
    message,
    detail: state === 'institution-action' ? connection?.institutionMessage : undefined,
    lastUpdated: STALE.has(state) ? lastUpdatedText(connection?.successfullyAggregatedAt, locale, hydrated ? undefined : 'UTC', t('prompt.last-updated')) : undefined,
    politeness,
    actions,
    dismissible: DISMISSIBLE.has(state),
    dismiss,
    dismissLabel,
    getActionProps: (action) => ({
      type: 'button',
      onClick: action.run,
      children: action.label,
      'data-action': action.id,
      'data-emphasis': action.emphasis,
      ...(action.pending ? { 'aria-disabled': true } : {}),
    }),
    dismissProps: { type: 'button', onClick: dismiss, 'aria-label': dismissLabel },
    rootProps: {
      role: politeness === 'assertive' ? 'alert' : 'status',
      'data-state': state,
      'data-severity': severity,
      ...(locale ? { lang: locale } : {}),
    },
  };
}
