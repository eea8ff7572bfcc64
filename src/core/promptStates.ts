/**
 * The one table of prompt states: what a prompt shows for one connection at
 * one moment, and what each state offers. The status table (decisionTable.ts)
 * says what Meld's status means; this table says what the customer can do
 * about it while the kit's own work (a reconnect flow, a refresh) runs.
 */

/** Every state a prompt can be in, in the order the docs list them. */
export const PROMPT_STATES = [
  'hidden',
  // decided by the status table
  'reconnect',
  'expiring-soon',
  'new-accounts',
  'partial-data',
  'partial-data-persists',
  'institution-action',
  'institution-repairing',
  'temporary-outage',
  'refresh-on-demand',
  'start-new-connection',
  'choose-another-institution',
  // decided by the host's renewal date while Meld still says ACTIVE (see isRenewalPromptDue)
  'renewal-due',
  // where a flow or a refresh the customer started is
  'requesting',
  'widget-open',
  'verifying',
  'verified',
  'still-broken',
  'unconfirmed',
  'refreshing',
  'refreshed',
  'failed',
] as const;

/** What a prompt shows: a status prompt, or where a flow the customer started is. */
export type PromptState = (typeof PROMPT_STATES)[number];

/** The actions a prompt can offer, by id (`data-action`). */
export type PromptActionId = 'reconnect' | 'retry' | 'refresh' | 'done' | 'start-new' | 'add-accounts';

/**
 * What pressing an offered action does:
 * - `flow`: starts the reconnect flow (repair session, widget, verification)
 * - `refresh`: asks for a one-off data pull
 * - `retry`: runs again whatever failed (the flow or the refresh)
 * - `start-new`: hands the connection to the host's `onStartNewConnection`
 */
export type PromptActionEffect = 'flow' | 'refresh' | 'retry' | 'start-new';

/** One action a state offers. `label` is the catalog key without its `action.` prefix. */
export interface PromptOffer {
  readonly id: PromptActionId;
  readonly label:
    | 'reconnect'
    | 'add-new-accounts'
    | 'try-again-later'
    | 'done'
    | 'refresh'
    | 'update-now'
    | 'connect-again'
    | 'connect-another-bank'
    | 'retry';
  readonly emphasis: 'primary' | 'secondary';
  readonly does: PromptActionEffect;
}

/** What one prompt state is. */
export interface PromptStateInfo {
  /** Actions offered, in order (the first is the primary one). */
  readonly offers: readonly PromptOffer[];
  /** Work the customer started is under way: the pressed action stays, `aria-disabled`. */
  readonly busy: boolean;
  /** May be snoozed for days (stored); the others only for the session. */
  readonly soft: boolean;
  /** The customer may put it away. */
  readonly dismissible: boolean;
  /** The data is stale: the prompt says when it last updated. */
  readonly stale: boolean;
  /** Informs rather than warns: severity `info`, whatever the status's severity. */
  readonly informational: boolean;
  /** Something the customer just started failed: announced assertively (`role="alert"`). */
  readonly alert: boolean;
  /** Decided by the status table (reported once as `prompt_shown`), not by the kit's own work. */
  readonly fromTable: boolean;
}

const reconnect: PromptOffer = { id: 'reconnect', label: 'reconnect', emphasis: 'primary', does: 'flow' };

const base = { offers: [], busy: false, soft: false, dismissible: false, stale: false, informational: false, alert: false, fromTable: false } as const;
const table = { ...base, fromTable: true, dismissible: true } as const;
const work = { ...base, busy: true, informational: true } as const;

/** One record per state; `satisfies` keeps it complete as states are added. */
export const PROMPT_STATE_INFO = {
  hidden: base,
  reconnect: { ...table, stale: true, offers: [reconnect] },
  'expiring-soon': { ...table, soft: true, offers: [reconnect] },
  'new-accounts': { ...table, soft: true, offers: [{ id: 'add-accounts', label: 'add-new-accounts', emphasis: 'primary', does: 'flow' }] },
  'partial-data': { ...table, stale: true, offers: [{ id: 'refresh', label: 'refresh', emphasis: 'primary', does: 'refresh' }] },
  'partial-data-persists': { ...table, stale: true, offers: [reconnect] },
  'institution-action': { ...table, offers: [{ id: 'done', label: 'done', emphasis: 'primary', does: 'refresh' }] },
  // RECONNECT_REQUIRED: never silenced beyond the session, though its words are soft.
  'institution-repairing': {
    ...table,
    stale: true,
    offers: [{ id: 'retry', label: 'try-again-later', emphasis: 'secondary', does: 'flow' }],
  },
  'temporary-outage': { ...table, soft: true, stale: true },
  'refresh-on-demand': { ...table, soft: true, offers: [{ id: 'refresh', label: 'update-now', emphasis: 'primary', does: 'refresh' }] },
  'start-new-connection': { ...table, stale: true, offers: [{ id: 'start-new', label: 'connect-again', emphasis: 'primary', does: 'start-new' }] },
  'choose-another-institution': { ...table, offers: [{ id: 'start-new', label: 'connect-another-bank', emphasis: 'primary', does: 'start-new' }] },
  // Meld publishes "Can reconnect: No" for a healthy ACTIVE connection (repair answers 409): it informs until Meld says ACCESS_EXPIRING_SOON.
  'renewal-due': { ...table, soft: true, informational: true },
  requesting: work,
  'widget-open': work,
  verifying: work,
  verified: { ...base, informational: true },
  'still-broken': { ...base, alert: true, offers: [{ id: 'retry', label: 'retry', emphasis: 'primary', does: 'flow' }] },
  unconfirmed: { ...base, informational: true, dismissible: true },
  refreshing: work,
  refreshed: { ...base, informational: true, dismissible: true },
  failed: { ...base, alert: true, dismissible: true, offers: [{ id: 'retry', label: 'retry', emphasis: 'primary', does: 'retry' }] },
} as const satisfies Record<PromptState, PromptStateInfo>;

/** The record for a state. */
export function promptStateInfo(state: PromptState): PromptStateInfo {
  return PROMPT_STATE_INFO[state];
}
