import { useEffect, useMemo, useState } from 'react';
import { warnOnce } from '../core/dev.js';
import { derivePrompt, type DerivedAction } from '../core/derivePrompt.js';
import type { StatusDecision } from '../core/getStatusDecision.js';
import { PROMPT_STATE_INFO, type PromptActionId, type PromptOffer, type PromptState } from '../core/promptStates.js';
import type { PromptVariant } from '../core/reconnectMachine.js';
import type { Severity } from '../core/statuses.js';
import type { Renewal } from '../core/getRenewal.js';
import type { Connection } from '../core/types.js';
import { formatMessage, messageLookup } from '../i18n/messages.js';
import { promptMessages } from '../i18n/promptMessages.js';
import { dateText } from './lastUpdated.js';
import { useReconnectKit } from './ReconnectKitContext.js';
import { useConnectionEngine } from './useConnectionEngine.js';
import { useHydrated } from './useHydrated.js';
import { flowState, type UseReconnectFlowResult } from './useReconnectFlow.js';
import { useResumeAfterRedirect } from './useResumeAfterRedirect.js';

export type { PromptActionId, PromptState, PromptVariant };

type PromptMessageKey = keyof typeof promptMessages;

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
  /**
   * Reads when the connection's access must be renewed, for "Renew by 12 March"
   * and `renewalPromptDays`. Pass `getRenewal` with your policy, e.g.
   * `(connection, now) => getRenewal(connection, { now, policy })`; the kit
   * bundles it only when you do. Without it the prompts keep their words.
   */
  renewal?: ((connection: Connection, now: number) => Renewal | undefined) | undefined;
  /**
   * Shows `renewal-due` this many days before the renewal date while Meld
   * still says ACTIVE (it informs: Meld repairs only once it says
   * ACCESS_EXPIRING_SOON). Needs `renewal`.
   */
  renewalPromptDays?: number | undefined;
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
  /**
   * For `expiring-soon` and `renewal-due` with a known date (see the `renewal` option):
   * "Renew by {date}", the day in the provider's `locale` and the customer's time zone
   * (UTC while server rendering and hydrating).
   */
  renewBy: string | undefined;
  /** `assertive` only when an action the customer just started failed. */
  politeness: 'polite' | 'assertive';
  actions: PromptAction[];
  dismissible: boolean;
  /** Puts the prompt away, in every view of this connection (soft prompts for 3 days, the others for the session). */
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

const NOOP = () => {};

/**
 * The headless hook every prompt component is built on: what to show for one
 * connection and which actions to offer, from Meld's status table and the
 * connection's reconnect engine (shared by every view of the connection, so
 * a flow, a refresh or a dismissal shows everywhere at once). Hands back the
 * text (from the catalog), the actions with their handlers, and the root's
 * ARIA and data attributes.
 *
 * Pass a `connectionId` (read through the kit's cache) or a `connection` the
 * host already has: a new object from the host replaces what the kit knows,
 * and pushed changes update it.
 */
export function useReconnectPrompt(target: string | Connection, options: UseReconnectPromptOptions = {}): UseReconnectPromptResult {
  const kit = useReconnectKit('useReconnectPrompt');
  const { messages, locale } = kit;
  const { controller, snapshot, override } = useConnectionEngine(kit, target);
  const hydrated = useHydrated();
  useResumeAfterRedirect(controller);
  const variant = options.variant ?? 'banner';
  const startNew = options.onStartNewConnection ?? kit.onStartNewConnection;
  const canStartNew = Boolean(startNew);
  // Stored snoozes are compared with the time the prompt mounted (render stays pure).
  const [mountedAt] = useState(Date.now);
  const readRenewal = options.renewal;
  const current = override ?? snapshot.connection;
  const renewal = useMemo(() => (readRenewal && current ? readRenewal(current, mountedAt) : undefined), [readRenewal, current, mountedAt]);
  const renewalPromptDays = options.renewalPromptDays;
  const derived = useMemo(
    () => derivePrompt(snapshot, { variant, showOutages: options.showOutages, hydrated, now: mountedAt, canStartNew, connection: override, renewal, renewalPromptDays }),
    [snapshot, variant, options.showOutages, hydrated, mountedAt, canStartNew, override, renewal, renewalPromptDays],
  );
  const { state, connection, decision, failure } = derived;
  const visible = state !== 'hidden';

  // prompt_shown, once per connection and table state while it has views.
  useEffect(() => {
    if (visible) controller.noteShown(state);
  }, [controller, state, visible]);


  if ((state === 'start-new-connection' || state === 'choose-another-institution') && !startNew) {
    warnOnce(() => [
      'prompt:no-start-new',
      'ReconnectBanner: this connection needs a new connection, but no onStartNewConnection was given to <ReconnectKitProvider>; the prompt shows no action.',
    ]);
  }

  const t = messageLookup(messages, promptMessages);
  const institution = connection?.institutionName || t('institution.fallback');
  const text = (key: PromptMessageKey) => formatMessage(t(key), { institution });
  const info = PROMPT_STATE_INFO[state];

  const run = (action: DerivedAction): (() => void) => {
    if (action.pending) return NOOP;
    const offer: PromptOffer = { id: action.id, label: action.label, emphasis: action.emphasis, does: action.does };
    switch (action.does) {
      case 'flow':
        return () => controller.start({ variant, pressed: offer });
      case 'refresh':
        return () => controller.refresh(offer);
      case 'retry':
        return () => controller.retry(offer, variant);
      case 'start-new':
        return () => {
          if (connection) startNew?.(connection);
        };
    }
  };
  const actions: PromptAction[] = derived.actions.map((action) => ({
    id: action.id,
    label: text(`action.${action.label}`),
    emphasis: action.emphasis,
    run: run(action),
    ...(action.pending ? { pending: true } : {}),
  }));

  const dismiss = () => controller.dismiss(state);
  const dismissLabel = t(info.soft ? 'action.remind-later' : 'action.dismiss');
  const { flow } = snapshot;
  // A popup is "the window that opened"; the dialog is on this page.
  const stateKey = state === 'widget-open' && flow.mode === 'dialog' ? 'prompt.widget-open-dialog' : (`prompt.${state}` as PromptMessageKey);
  const message = visible ? text(failure ? `error.${failure}` : stateKey) : '';

  return {
    connection,
    decision,
    flow: { ...flowState(flow), start: (mode) => controller.start({ mode, variant }), reset: () => controller.reset() },
    state,
    severity: derived.severity,
    visible,
    message,
    detail: state === 'institution-action' ? connection?.institutionMessage : undefined,
    renewBy: state === 'expiring-soon' || state === 'renewal-due' ? dateText(renewal?.renewBy, locale, hydrated ? undefined : 'UTC', t('prompt.renew-by'), true) : undefined,
    lastUpdated: info.stale ? dateText(connection?.successfullyAggregatedAt, locale, hydrated ? undefined : 'UTC', t('prompt.last-updated')) : undefined,
    politeness: derived.politeness,
    actions,
    dismissible: derived.dismissible,
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
      role: derived.politeness === 'assertive' ? 'alert' : 'status',
      'data-state': state,
      'data-severity': derived.severity,
      ...(locale ? { lang: locale } : {}),
    },
  };
}

