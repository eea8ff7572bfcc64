// Small helpers for `play` functions: find a prompt, wait for a state, press
// one of its buttons, find the widget dialog.
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { MessageKey, Messages } from '../../src/index.js';
import { findPrompt, text, type PromptSlot } from './expectations.js';

/** Waits until the prompt in `slot` is in `state`; returns its root. */
export async function waitForState(
  canvasElement: HTMLElement,
  state: string,
  { slot = 'banner', timeout = 5_000 }: { slot?: PromptSlot; timeout?: number } = {},
): Promise<HTMLElement> {
  return waitFor(
    () => {
      const root = canvasElement.querySelector<HTMLElement>(`[data-slot="${slot}"]`);
      expect(root).toHaveAttribute('data-state', state);
      return root as HTMLElement;
    },
    { timeout },
  );
}

/** Presses the prompt's button labelled with the catalog entry `key`. */
export async function press(
  canvasElement: HTMLElement,
  key: MessageKey,
  { slot = 'banner', messages }: { slot?: PromptSlot; messages?: Messages } = {},
): Promise<void> {
  const root = await findPrompt(canvasElement, slot);
  const button = await within(root).findByRole('button', { name: text(key, messages) });
  await userEvent.click(button);
}

/** The widget's modal dialog, once open (it lives in the top layer, outside the story's canvas). */
export async function findWidgetDialog(): Promise<HTMLDialogElement> {
  return waitFor(() => {
    const dialog = document.querySelector<HTMLDialogElement>('dialog[data-slot="widget-dialog"]');
    if (!dialog?.open) throw new Error('the widget dialog is not open');
    return dialog;
  });
}

/** Converts `#rrggbb` to the `rgb(r, g, b)` form computed styles use. */
export function rgb(hex: string): string {
  const value = hex.replace('#', '');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(value.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}
