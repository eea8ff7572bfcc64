import {
  PROMPT_STATE_INFO,
  PROMPT_STATES,
  SOFT_SNOOZE_MS,
  defaultMessages,
  type PromptActionEffect,
  type PromptState,
  type PromptStateInfo,
} from '../../src/index.js';
import './statusTableView.css';
import './referenceTables.css';

/** When a view shows each state, in words for product people. */
const WHEN: Record<PromptState, string> = {
  hidden: 'Nothing is due: the connection is healthy, the prompt was put away, or this view does not show that kind of prompt.',
  reconnect: 'Meld says the customer must sign in again.',
  'expiring-soon': 'Access expires soon; nothing is broken yet.',
  'new-accounts': 'The bank has accounts the customer has not linked (shown by LinkNewAccountsPrompt only).',
  'partial-data': 'Some data is missing; a refresh may be enough.',
  'partial-data-persists': 'A refresh did not help: the data is still missing.',
  'institution-action': "The bank asks for something in its own words; the customer says when it is done.",
  'institution-repairing': 'The bank is repairing its connection; the customer may try again.',
  'temporary-outage': 'The bank or provider is down for a while (shown only with showOutages).',
  'refresh-on-demand': 'The bank refreshes only when the customer asks.',
  'start-new-connection': 'A repair cannot help (or the host answered 409): a new connection is needed.',
  'choose-another-institution': 'This bank is no longer supported.',
  'renewal-due': "Meld still says ACTIVE, but the host's renewal date is near (renewalPromptDays): it informs, since Meld does not repair a healthy connection.",
  requesting: 'The kit is asking the host backend for a repair session.',
  'widget-open': "The customer is in Meld's widget.",
  verifying: 'The widget said it is done; the kit waits for the connection to come back.',
  verified: 'The connection is working again (shown for a few seconds).',
  'still-broken': 'The customer finished, but the connection is still broken.',
  unconfirmed: 'Nothing new yet; the screen updates when the webhook arrives.',
  refreshing: 'A refresh the customer asked for is under way.',
  refreshed: 'The bank was asked to update; new data follows.',
  failed: 'What the customer started failed (the flow, or a refresh).',
};

const DOES: Record<PromptActionEffect, string> = {
  flow: 'starts the reconnect flow',
  refresh: 'asks the host for a refresh',
  retry: 'runs again what failed',
  'start-new': 'calls onStartNewConnection',
};

const FLAGS = [
  ['busy', 'Busy'],
  ['soft', 'Soft'],
  ['dismissible', 'Dismissible'],
  ['stale', 'Stale'],
  ['informational', 'Informational'],
  ['alert', 'Alert'],
  ['fromTable', 'From the status table'],
] as const satisfies readonly (readonly [keyof PromptStateInfo, string])[];

const DAYS = SOFT_SNOOZE_MS / (24 * 60 * 60 * 1000);

/**
 * The reconnect engine's prompt states, rendered from `PROMPT_STATE_INFO`:
 * what each offers and how it behaves. The flags' meanings are written once,
 * in the caption's list; the table only marks them.
 */
export function PromptStatesTable() {
  return (
    <>
      <ul>
        <li>
          <strong>Busy</strong>: work the customer started is under way; the button they pressed stays, with{' '}
          <code>aria-disabled</code>, and nothing else is offered.
        </li>
        <li>
          <strong>Soft</strong>: &quot;Remind me later&quot; snoozes it for {DAYS} days (kept in <code>dismissStorage</code>); other
          dismissible states are put away for the session, and <code>unconfirmed</code> and <code>refreshed</code> for that
          attempt only.
        </li>
        <li>
          <strong>Stale</strong>: the prompt says when the data last updated.
        </li>
        <li>
          <strong>Informational</strong>: severity <code>info</code>, whatever the status&apos;s own severity.
        </li>
        <li>
          <strong>Alert</strong>: announced assertively (<code>role=&quot;alert&quot;</code>).
        </li>
        <li>
          <strong>From the status table</strong>: decided by Meld&apos;s status, reported once per connection as{' '}
          <code>prompt_shown</code>; the others show the customer&apos;s own work.
        </li>
      </ul>
      <table className="mrk-docs-table">
        <caption>Prompt states: {PROMPT_STATES.length} rows, from PROMPT_STATE_INFO</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">When</th>
            <th scope="col">Offers</th>
            <th scope="col">Behaviour</th>
          </tr>
        </thead>
        <tbody>
          {PROMPT_STATES.map((state) => {
            const info: PromptStateInfo = PROMPT_STATE_INFO[state];
            const flags = FLAGS.filter(([flag]) => info[flag]);
            return (
              <tr key={state} data-prompt-state={state}>
                <th scope="row">
                  <code>{state}</code>
                </th>
                <td>{WHEN[state]}</td>
                <td>
                  {info.offers.length === 0 ? (
                    <span className="mrk-docs-muted">nothing</span>
                  ) : (
                    info.offers.map((offer) => (
                      <span key={offer.id} className="mrk-docs-value">
                        <span className="mrk-docs-label">{defaultMessages[`action.${offer.label}`]}</span>{' '}
                        <code>{offer.id}</code> {DOES[offer.does]}
                      </span>
                    ))
                  )}
                </td>
                <td>
                  {flags.length === 0 ? (
                    <span className="mrk-docs-muted">none</span>
                  ) : (
                    flags.map(([flag, label]) => (
                      <span key={flag} className="mrk-docs-flag">
                        {label}
                      </span>
                    ))
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
