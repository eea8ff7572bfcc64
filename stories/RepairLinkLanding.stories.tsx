import type { Meta, StoryContext, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { RepairLinkLanding } from '../src/index.js';
import { aConnection, INSTITUTION } from './support/connections.js';
import { text } from './support/expectations.js';
import { kit, kitOf } from './support/kit.js';
import { findWidgetDialog } from './support/play.js';

const meta = {
  title: 'Components/RepairLinkLanding',
  component: RepairLinkLanding,
  parameters: {
    docs: {
      description: {
        component:
          "Where a customer lands from a repair link the host sent (its page with `?meld_repair=<token>`): the link is taken out of the address, " +
          "redeemed once with the host backend, and the connection's prompt offers its one action; the widget opens only from the customer's click. " +
          'Each story opens its page from a link issued just for it, to its own host backend (MSW).',
      },
      // Each story reads the address of its own page: one frame per story, not one page for all.
      story: { inline: false, iframeHeight: 220 },
    },
  },
  argTypes: {
    param: { control: 'text', description: 'The query parameter that carries the link (default `meld_repair`).' },
    unstyled: { control: 'boolean', description: "Drop the kit's class names; data attributes stay." },
    autoFocus: { control: 'boolean', description: "Move focus to the landing's heading when it appears (default true)." },
  },
} satisfies Meta<typeof RepairLinkLanding>;

export default meta;
type Story = StoryObj<typeof meta>;

const LOGIN = aConnection({ id: 'conn_link_login', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
const HEALTHY = aConnection({ id: 'conn_link_healthy', status: 'ACTIVE', statusReason: null });
const REDEEM = 'POST /repair-links/redeem';

let issued = 0;

/**
 * Opens the story's page from a repair link: to `connectionId` (issued now, used by no one) or,
 * without one, a link the host never issued (as an expired, used or someone else's link answers).
 */
function openedFromLink(connectionId?: string) {
  return (context: StoryContext) => {
    issued += 1;
    const token = `story${issued}_${Math.random().toString(36).slice(2, 12)}`;
    if (connectionId) kitOf(context).host.addRepairLink(token, connectionId);
    const { pathname, search, hash } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}${search ? '&' : '?'}meld_repair=${token}${hash}`);
    return () => window.history.replaceState(window.history.state, '', `${pathname}${search}${hash}`);
  };
}

async function findLanding(canvasElement: HTMLElement, state: string): Promise<HTMLElement> {
  return waitFor(() => {
    const landing = canvasElement.querySelector<HTMLElement>('[data-slot="repair-landing"]');
    expect(landing).toHaveAttribute('data-state', state);
    return landing as HTMLElement;
  });
}

/** Asking the host backend for the link's connection (it never answers here). */
export const Redeeming: Story = {
  parameters: kit({ host: { connections: [LOGIN], redeem: 'hang' }, timeoutMs: 10 * 60_000 }),
  beforeEach: openedFromLink(LOGIN.id),
  play: async (context) => {
    const { canvasElement } = context;
    const landing = await findLanding(canvasElement, 'redeeming');
    await expect(within(landing).getByRole('status')).toHaveTextContent(text('landing.redeeming'));
    // The link is out of the address at once, before the host answers.
    await expect(window.location.search).not.toContain('meld_repair');
    await waitFor(() => expect(within(landing).getByRole('heading', { name: text('landing.title') })).toHaveFocus());
    await waitFor(() => expect(kitOf(context).host.count(REDEEM)).toBe(1));
  },
};

/** A link to a connection that needs the customer: its prompt, with one button; the widget opens from the click. */
export const ReadyToReconnect: Story = {
  parameters: kit({ host: { connections: [LOGIN] } }),
  beforeEach: openedFromLink(LOGIN.id),
  play: async (context) => {
    const { canvasElement } = context;
    const { host } = kitOf(context);
    const landing = await findLanding(canvasElement, 'ready');
    const prompt = await waitFor(() => {
      const found = landing.querySelector<HTMLElement>('[data-slot="repair-landing-prompt"]');
      expect(found).toHaveAttribute('data-state', 'reconnect');
      return found as HTMLElement;
    });
    await expect(within(prompt).getByText(text('prompt.reconnect'))).toBeVisible();
    await expect(within(landing).getAllByRole('button').map((b) => b.textContent)).toEqual([text('action.reconnect')]);
    await expect(document.querySelector('dialog[data-slot="widget-dialog"]')).toBeNull();
    await expect(host.count(`POST /connections/${LOGIN.id}/repair`)).toBe(0);

    await userEvent.click(within(landing).getByRole('button', { name: text('action.reconnect') }));
    const dialog = await findWidgetDialog();
    await expect(dialog).toHaveAttribute('aria-label', `Reconnect ${INSTITUTION}`);
    await expect(host.count(REDEEM)).toBe(1);
    await expect(host.count(`POST /connections/${LOGIN.id}/repair`)).toBe(1);
    await userEvent.click(within(dialog).getByRole('button', { name: text('widget.close') }));
  },
};

/** A link to a connection that needs nothing any more. */
export const AlreadyConnected: Story = {
  parameters: kit({ host: { connections: [HEALTHY] } }),
  beforeEach: openedFromLink(HEALTHY.id),
  play: async ({ canvasElement }) => {
    const landing = await findLanding(canvasElement, 'ready');
    await waitFor(() => expect(landing.querySelector('[data-slot="repair-landing-connected"]')).toHaveTextContent(text('landing.connected')));
    await expect(within(landing).queryAllByRole('button')).toEqual([]);
  },
};

/** A link the host refuses (expired, used, someone else's, tampered...): one answer for all, with no hint about the connection. */
export const NoLongerValid: Story = {
  parameters: kit({ host: { connections: [LOGIN] } }),
  beforeEach: openedFromLink(),
  play: async ({ canvasElement }) => {
    const landing = await findLanding(canvasElement, 'invalid');
    await expect(within(landing).getByRole('status')).toHaveTextContent(text('landing.invalid'));
    await expect(landing).not.toHaveTextContent(INSTITUTION);
    await expect(within(landing).queryAllByRole('button')).toEqual([]);
  },
};

/** The host backend failed (500): asking again may help, so "Try again" asks again. */
export const HostUnavailable: Story = {
  parameters: kit({ host: { connections: [LOGIN], redeem: 500 } }),
  beforeEach: openedFromLink(LOGIN.id),
  play: async (context) => {
    const { canvasElement } = context;
    const landing = await findLanding(canvasElement, 'error');
    await expect(within(landing).getByRole('status')).toHaveTextContent(text('error.unavailable'));
    await userEvent.click(within(landing).getByRole('button', { name: text('action.retry') }));
    await waitFor(() => expect(kitOf(context).host.count(REDEEM)).toBe(2));
    await findLanding(canvasElement, 'error');
  },
};
