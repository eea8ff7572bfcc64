import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { MeldWidgetDialog, type WidgetCloseReason } from '../src/index.js';

/** The stand-in widget page that Storybook serves from `.storybook/public`. */
function standInUrl(query = '') {
  return `${window.location.origin}/meld-widget-stand-in.html${query}`;
}

function Demo({ query = '', title = 'Reconnect First Test Bank' }: { query?: string; title?: string }) {
  const [open, setOpen] = useState(false);
  const [log, setLog] = useState<string>('Not opened yet');
  return (
    <div>
      <button type="button" onClick={() => setOpen(true)}>
        Reconnect First Test Bank
      </button>
      <p role="status">{log}</p>
      <MeldWidgetDialog
        widgetUrl={standInUrl(query)}
        open={open}
        onOpenChange={setOpen}
        title={title}
        allowedHosts={[window.location.host]}
        onComplete={(metadata) => setLog(`Completed: ${String(metadata.institutionName)}`)}
        onError={(error) => setLog(`Error: ${error.message}`)}
        onClose={(reason: WidgetCloseReason) => setLog((previous) => `${previous} (closed: ${reason})`)}
      />
    </div>
  );
}

const meta = {
  title: 'Widget/MeldWidgetDialog',
  component: Demo,
  parameters: {
    docs: {
      description: {
        component:
          "Meld's widget in a native modal dialog. Stories use a stand-in page that posts the same messages as Meld's widget; a repair session's widgetUrl opens Meld's widget straight at the bank's login.",
      },
    },
  },
} satisfies Meta<typeof Demo>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Open it and sign in (the stand-in's buttons post Meld's messages). */
export const Dialog: Story = {};

/** The stand-in completes by itself: the dialog closes, focus returns to the button. */
export const CompletesAndReturnsFocus: Story = {
  args: { query: '?auto=complete' },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const trigger = canvas.getByRole('button', { name: 'Reconnect First Test Bank' });
    await userEvent.click(trigger);
    const dialog = await waitFor(() => {
      const element = document.querySelector('dialog');
      if (!element) throw new Error('no dialog yet');
      return element;
    });
    await expect(dialog).toHaveAttribute('aria-label', 'Reconnect First Test Bank');
    await expect(dialog.querySelector('iframe')).toHaveAttribute('title', 'Reconnect First Test Bank');
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('Completed: First Test Bank (closed: completed)'), { timeout: 5_000 });
    await expect(document.querySelector('dialog')).toBeNull();
    await expect(trigger).toHaveFocus();
  },
};

/**
 * The labelled close button (Meld documents no exit event) closes it as the
 * customer's choice. Escape does the same; that needs a trusted key press and
 * is covered by the browser tests.
 */
export const CloseButtonCloses: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'Reconnect First Test Bank' }));
    await waitFor(() => expect(document.querySelector('dialog')).not.toBeNull());
    await userEvent.click(within(document.body).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('(closed: closed-by-customer)'));
    await expect(document.querySelector('dialog')).toBeNull();
  },
};
