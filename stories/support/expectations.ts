// What the components should show for each status row, written down
// independently of the kit's code so the row stories can check it.
import { expect, waitFor, within } from 'storybook/test';
import {
  defaultMessages,
  formatMessage,
  getStatusDecision,
  type MessageKey,
  type Messages,
  type PromptKind,
  type StatusTableRow,
} from '../../src/index.js';
import { INSTITUTION } from './connections.js';

export interface PromptExpectation {
  /** The action buttons' labels, in order. */
  actions: readonly MessageKey[];
  /** The dismiss button's label. */
  dismiss: MessageKey;
}

/** What ReconnectBanner shows per prompt kind (`null`: nothing, by default). */
export const BANNER_SHOWS: Readonly<Record<PromptKind, PromptExpectation | null>> = {
  none: null,
  'in-progress': null,
  unknown: null,
  'new-accounts': null,
  // Outages are shown only with `showOutages`.
  'temporary-outage': null,
  reconnect: { actions: ['action.reconnect'], dismiss: 'action.dismiss' },
  'expiring-soon': { actions: ['action.reconnect'], dismiss: 'action.remind-later' },
  'partial-data': { actions: ['action.refresh'], dismiss: 'action.dismiss' },
  'institution-action': { actions: ['action.done'], dismiss: 'action.dismiss' },
  // RECONNECT_REQUIRED: words are soft, but it is put away for the session only, so "Dismiss".
  'institution-repairing': { actions: ['action.try-again-later'], dismiss: 'action.dismiss' },
  'refresh-on-demand': { actions: ['action.update-now'], dismiss: 'action.remind-later' },
  'start-new-connection': { actions: ['action.connect-again'], dismiss: 'action.dismiss' },
  'choose-another-institution': { actions: ['action.connect-another-bank'], dismiss: 'action.dismiss' },
};

/** What LinkNewAccountsPrompt shows per prompt kind: only new accounts. */
export const NEW_ACCOUNTS_SHOWS: Readonly<Record<PromptKind, PromptExpectation | null>> = {
  ...(Object.fromEntries(Object.keys(BANNER_SHOWS).map((kind) => [kind, null])) as Record<PromptKind, null>),
  'new-accounts': { actions: ['action.add-new-accounts'], dismiss: 'action.remind-later' },
};

export type PromptSlot = 'banner' | 'new-accounts';

/** The text of a catalog entry, with the test institution filled in. */
export function text(key: MessageKey, messages: Messages = defaultMessages, values: Record<string, string | number> = {}): string {
  return formatMessage(messages[key], { institution: INSTITUTION, ...values });
}

/** The prompt's root element, once it has rendered (prompts load their view on demand). */
export async function findPrompt(canvasElement: HTMLElement, slot: PromptSlot): Promise<HTMLElement> {
  return waitFor(() => {
    const root = canvasElement.querySelector<HTMLElement>(`[data-slot="${slot}"]`);
    if (!root) throw new Error(`no [data-slot="${slot}"] yet`);
    return root;
  });
}

/** The accessible names of the buttons inside `root`, in order. */
export function buttonNames(root: HTMLElement): string[] {
  return within(root)
    .queryAllByRole('button')
    .map((button) => button.getAttribute('aria-label') ?? button.textContent ?? '');
}

/**
 * Checks a prompt against {@link BANNER_SHOWS} / {@link NEW_ACCOUNTS_SHOWS}
 * for a row, once the connection has loaded: its state and severity as data
 * attributes, its message from the catalog, and its buttons.
 */
export async function expectPromptForRow(
  canvasElement: HTMLElement,
  slot: PromptSlot,
  row: StatusTableRow,
  messages: Messages = defaultMessages,
): Promise<void> {
  const decision = getStatusDecision(row.status, row.reason);
  const expected = (slot === 'banner' ? BANNER_SHOWS : NEW_ACCOUNTS_SHOWS)[decision.prompt];
  if (!expected) {
    await expect(canvasElement.querySelector(`[data-slot="${slot}"]`)).toBeNull();
    return;
  }
  const root = await findPrompt(canvasElement, slot);
  await expect(root).toHaveAttribute('data-state', decision.prompt);
  await expect(root).toHaveAttribute('data-severity', decision.severity);
  await expect(root).toHaveAttribute('role', 'status');
  await expect(within(root).getByText(text(`prompt.${decision.prompt}` as MessageKey, messages))).toBeVisible();
  await expect(buttonNames(root)).toEqual([...expected.actions.map((key) => text(key, messages)), text(expected.dismiss, messages)]);
}

/** Checks a ConnectionStatusBadge for a row: state, severity, short visible label, full accessible text. */
export async function expectBadgeForRow(canvasElement: HTMLElement, row: StatusTableRow, messages: Messages = defaultMessages): Promise<void> {
  const decision = getStatusDecision(row.status, row.reason);
  const badge = canvasElement.querySelector<HTMLElement>('[data-slot="status-badge"]');
  await expect(badge).not.toBeNull();
  if (!badge) return;
  await expect(badge).toHaveAttribute('data-state', decision.prompt);
  await expect(badge).toHaveAttribute('data-severity', decision.severity);
  const label = text(`status.${decision.prompt}` as MessageKey, messages);
  const full = text('status.label', messages, { status: label });
  // Screen readers get the whole sentence; the bank's name is visually hidden by the stylesheet.
  await expect(badge).toHaveTextContent(full);
  await expect(badge.querySelector('[data-slot="status-badge-text"]')).toHaveTextContent(label);
  await expect(badge.querySelector('[data-slot="status-badge-context"]')).toHaveClass('mrk-visually-hidden');
}
