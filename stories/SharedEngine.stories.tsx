import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ConnectionStatusBadge, ReconnectBanner, useReconnectPrompt } from '../src/index.js';
import { aConnection } from './support/connections.js';
import { findPrompt, text } from './support/expectations.js';
import { kit, kitOf } from './support/kit.js';
import { findWidgetDialog, press, waitForState } from './support/play.js';

const LOGIN = aConnection({ id: 'conn_shared', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
const REPAIR = `POST /connections/${LOGIN.id}/repair`;

/** A host's own card for the same connection, built on `useReconnectPrompt`. */
function AccountCard({ connectionId }: { connectionId: string }) {
  const prompt = useReconnectPrompt(connectionId);
  if (!prompt.visible) return null;
  return (
    <section className="acme-card" data-testid="card" aria-label={prompt.connection?.institutionName} {...prompt.rootProps}>
      <p>{prompt.message}</p>
      <div className="acme-card__actions">
        {prompt.actions.map((action) => (
          <button key={action.id} {...prompt.getActionProps(action)} />
        ))}
        {prompt.dismissible ? <button {...prompt.dismissProps}>{prompt.dismissLabel}</button> : null}
      </div>
    </section>
  );
}

/** Three views of one connection: a badge, the kit's banner and the host's card. */
function TwoViews({ connectionId }: { connectionId: string }) {
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <ConnectionStatusBadge connectionId={connectionId} />
      <ReconnectBanner connectionId={connectionId} />
      <AccountCard connectionId={connectionId} />
    </div>
  );
}

const meta = {
  title: 'Widget/Shared engine',
  component: TwoViews,
  args: { connectionId: LOGIN.id },
  parameters: {
    ...kit({ host: { connections: [LOGIN] } }),
    docs: {
      description: {
        component:
          'One reconnect engine per connection, shared by every view of it: a `ReconnectBanner` and a card of the host\'s own ' +
          'markup (`useReconnectPrompt`) show the same flow and the same dismissal. See **Docs / Widget and reconnect flow**.',
      },
    },
  },
} satisfies Meta<typeof TwoViews>;

export default meta;
type Story = StoryObj<typeof meta>;

async function findCard(canvasElement: HTMLElement): Promise<HTMLElement> {
  return waitFor(() => {
    const card = canvasElement.querySelector<HTMLElement>('[data-testid="card"]');
    if (!card) throw new Error('no card yet');
    return card;
  });
}

/** Reconnect pressed in the banner: the card shows the same flow, and one widget opens for one repair request. */
export const StartInOneView: Story = {
  play: async (context) => {
    const { canvasElement } = context;
    const { host } = kitOf(context);
    await waitForState(canvasElement, 'reconnect');
    const card = await findCard(canvasElement);
    await expect(card).toHaveAttribute('data-state', 'reconnect');

    await press(canvasElement, 'action.reconnect');
    const dialog = await findWidgetDialog();
    await waitFor(() => expect(card).toHaveAttribute('data-state', 'widget-open'));
    await expect(await findPrompt(canvasElement, 'banner')).toHaveAttribute('data-state', 'widget-open');
    // The card shows the pressed action pending too; pressing it there starts nothing more.
    const cardReconnect = within(card).getByRole('button', { name: text('action.reconnect') });
    await expect(cardReconnect).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(cardReconnect);
    await expect(document.querySelectorAll('dialog[data-slot="widget-dialog"]')).toHaveLength(1);
    await expect(host.count(REPAIR)).toBe(1);

    // The customer closes the widget: both views are back on the status's own prompt.
    await userEvent.click(within(dialog).getByRole('button', { name: text('widget.close') }));
    await waitFor(() => expect(card).toHaveAttribute('data-state', 'reconnect'));
    await waitForState(canvasElement, 'reconnect');
    await expect(kitOf(context).onEvent.mock.calls.map(([event]) => [event.type, event.attempt])).toEqual(
      expect.arrayContaining([
        ['flow_started', 1],
        ['abandoned', 1],
      ]),
    );
  },
};

/** Dismissed in the card: the banner goes too, for this session. The badge still tells the status. */
export const DismissInOneView: Story = {
  play: async (context) => {
    const { canvasElement } = context;
    await waitForState(canvasElement, 'reconnect');
    const card = await findCard(canvasElement);
    await userEvent.click(within(card).getByRole('button', { name: text('action.dismiss') }));
    await waitFor(() => expect(canvasElement.querySelector('[data-testid="card"]')).toBeNull());
    await waitFor(() => expect(canvasElement.querySelector('[data-slot="banner"]')).toBeNull());
    await expect(canvasElement.querySelector('[data-slot="status-badge"]')).toHaveAttribute('data-state', 'reconnect');
    // A session dismissal is never stored.
    await expect(kitOf(context).dismissStorage.items.size).toBe(0);
  },
};
