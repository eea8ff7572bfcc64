import { act, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionStatusBadge,
  LinkNewAccountsPrompt,
  ReconnectBanner,
  ReconnectKitProvider,
  es,
  useReconnectPrompt,
  type Connection,
} from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, resetFake } from '../helpers/hostServer.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

// What the banner must show for each row, from issue 5 (not from the kit's tables):
// [status, reason, visible, primary action's accessible name (or null), data-severity]
const BANNER: ReadonlyArray<readonly [string, string | null, boolean, RegExp | null, string | null]> = [
  ['IN_PROGRESS', null, false, null, null],
  ['EXPIRED', null, true, /Connect again/, 'info'],
  ['ACTIVE', null, false, null, null],
  ['ACTIVE', 'ACCESS_EXPIRING_SOON', true, /Reconnect/, 'warning'],
  ['ACTIVE', 'NEW_ACCOUNTS_AVAILABLE', false, null, null],
  ['PARTIALLY_ACTIVE', 'PARTIAL_AGGREGATION_SUCCESS', true, /Refresh/, 'warning'],
  ['PARTIALLY_ACTIVE', 'INACTIVE_DUPLICATE', false, null, null],
  ['DEGRADED', 'INSTITUTION_CURRENTLY_UNAVAILABLE', false, null, null],
  ['DEGRADED', 'INSTITUTION_ACTION_REQUIRED', true, /I've done this/, 'warning'],
  ['DEGRADED', 'SERVICE_PROVIDER_CURRENTLY_UNAVAILABLE', false, null, null],
  ['DEGRADED', 'INTERACTIVE_REFRESH', true, /Update now/, 'info'],
  ['RECONNECT_REQUIRED', 'LOGIN_REQUIRED', true, /Reconnect/, 'critical'],
  ['RECONNECT_REQUIRED', 'REPAIRING_INSTITUTION', true, /Try again/, 'warning'],
  ['RECONNECT_REQUIRED', 'TOKEN_EXPIRED', true, /Reconnect/, 'critical'],
  ['RECONNECT_REQUIRED', 'OTHER', true, /Reconnect/, 'critical'],
  ['UNRECOVERABLE', 'CONTINUED_AGGREGATION_FAILURES', true, /Connect again/, 'critical'],
  ['UNRECOVERABLE', 'INSTITUTION_DISABLED', true, /Connect another bank/, 'critical'],
  ['UNRECOVERABLE', 'OTHER', true, /Connect again/, 'critical'],
  ['UNDETERMINED', 'AGGREGATION_TIMEOUT', false, null, null],
  ['UNDETERMINED', 'SUBMIT_SERVICE_PROVIDER_TICKET', false, null, null],
  ['UNDETERMINED', 'UNKNOWN_SERVICE_PROVIDER_ERROR_CODE', false, null, null],
  ['UNDETERMINED', 'INTERNAL_ERROR', false, null, null],
  ['DELETED', null, true, /Connect again/, 'info'],
];

function kit(ui: React.ReactNode, extra: Partial<React.ComponentProps<typeof ReconnectKitProvider>> = {}) {
  return render(
    <ReconnectKitProvider
      baseUrl={BASE}
      queryClient={newQueryClient()}
      broadcastChannel={false}
      dismissStorage={null}
      onStartNewConnection={() => {}}
      {...(extra as object)}
    >
      {ui}
    </ReconnectKitProvider>,
  );
}

/** Lets a due prompt's view (loaded on demand) arrive, so that what is checked next is what the customer sees. */
async function settle() {
  await act(async () => {
    await import('../../src/promptParts/PromptView.js');
  });
}

beforeEach(() => localStorage.clear());
afterEach(() => vi.restoreAllMocks());

describe('ReconnectBanner, row by row of the status table', () => {
  it.each(BANNER)('given %s / %s, should be shown=%s with action %s', async (status, statusReason, visible, action, severity) => {
    const connection = aConnection({ id: `c-${status}-${statusReason}`, status, statusReason });
    const { container } = kit(<ReconnectBanner connection={connection} />);
    await settle();
    const root = container.querySelector('[data-slot="banner"]');
    if (!visible) {
      expect(root).toBeNull();
      return;
    }
    expect(root).not.toBeNull();
    expect(root).toHaveAttribute('role', 'status');
    expect(root).toHaveAttribute('data-severity', severity);
    expect(within(root as HTMLElement).getByRole('button', { name: action as RegExp })).toBeInTheDocument();
    expect(root?.textContent).toContain('First Test Bank');
  });
});

describe('ReconnectBanner behaviour', () => {
  it('given showOutages, should show temporary outages as a line with no call to action', async () => {
    const connection = aConnection({ id: 'o1', status: 'DEGRADED', statusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' });
    const { container } = kit(<ReconnectBanner connection={connection} showOutages />);
    await settle();
    const root = container.querySelector('[data-slot="banner"]') as HTMLElement;
    expect(root).toHaveTextContent('temporarily unavailable');
    expect(within(root).queryAllByRole('button', { name: /reconnect|refresh|connect/i })).toHaveLength(0);
  });

  it('given an institution message with markup, should show it as text, never as HTML', async () => {
    const connection = aConnection({
      id: 'i1',
      status: 'DEGRADED',
      statusReason: 'INSTITUTION_ACTION_REQUIRED',
      institutionMessage: '<img src=x onerror="window.__pwned=1">Approve access in the First Bank app.',
    });
    const { container } = kit(<ReconnectBanner connection={connection} />);
    await settle();
    const detail = container.querySelector('[data-slot="banner-detail"]');
    expect(detail?.textContent).toBe('<img src=x onerror="window.__pwned=1">Approve access in the First Bank app.');
    expect(container.querySelector('img')).toBeNull();
  });

  it('given a connection that cannot be repaired, should call the host\'s onStartNewConnection with it', async () => {
    const onStartNewConnection = vi.fn();
    const connection = aConnection({ id: 'u1', status: 'UNRECOVERABLE', statusReason: 'INSTITUTION_DISABLED' });
    kit(<ReconnectBanner connection={connection} />, { onStartNewConnection });
    await settle();
    screen.getByRole('button', { name: 'Connect another bank' }).click();
    expect(onStartNewConnection).toHaveBeenCalledWith(connection);
  });

  it('given no onStartNewConnection, should still explain, offer no action, and warn in development', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const connection = aConnection({ id: 'e1', status: 'EXPIRED' });
    render(
      <ReconnectKitProvider baseUrl={BASE} queryClient={newQueryClient()} broadcastChannel={false}>
        <ReconnectBanner connection={connection} />
      </ReconnectKitProvider>,
    );
    await settle();
    expect(screen.getByRole('status')).toHaveTextContent('cannot be restored');
    expect(screen.queryByRole('button', { name: /connect/i })).toBeNull();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('onStartNewConnection'));
  });

  it('given a soft prompt dismissed, should remember it per connection in the host\'s storage', async () => {
    const connection = aConnection({ id: 's1', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON' });
    const first = kit(<ReconnectBanner connection={connection} />, { dismissStorage: localStorage });
    await settle();
    screen.getByRole('button', { name: 'Remind me later' }).click();
    await waitFor(() => expect(first.container.querySelector('[data-slot="banner"]')).toBeNull());
    first.unmount();
    const again = kit(<ReconnectBanner connection={connection} />, { dismissStorage: localStorage });
    await settle();
    expect(again.container.querySelector('[data-slot="banner"]')).toBeNull();
    expect(Object.keys(localStorage).some((key) => key.includes('s1'))).toBe(true);
  });

  it('given RECONNECT_REQUIRED dismissed, should never write it to persistent storage', async () => {
    const connection = aConnection({ id: 'r1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
    const view = kit(<ReconnectBanner connection={connection} />, { dismissStorage: localStorage });
    await settle();
    screen.getByRole('button', { name: 'Dismiss' }).click();
    await waitFor(() => expect(view.container.querySelector('[data-slot="banner"]')).toBeNull());
    expect(Object.keys(localStorage).some((key) => key.includes('r1'))).toBe(false);
  });

  it('should append the user\'s className, and drop the kit\'s with unstyled', async () => {
    const connection = aConnection({ id: 'k1', status: 'RECONNECT_REQUIRED', statusReason: 'TOKEN_EXPIRED' });
    const styled = kit(<ReconnectBanner connection={connection} className="mine" />);
    await settle();
    expect(styled.container.querySelector('[data-slot="banner"]')?.className).toBe('mrk-banner mine');
    styled.unmount();
    const bare = kit(<ReconnectBanner connection={connection} className="mine" unstyled />);
    await settle();
    expect(bare.container.querySelector('[data-slot="banner"]')?.className).toBe('mine');
    expect(bare.container.querySelector('[class*="mrk-"]')).toBeNull();
  });

  it('given compound parts, should render the markup the host arranges', async () => {
    const connection = aConnection({ id: 'p1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
    kit(
      <ReconnectBanner.Root connection={connection}>
        <ReconnectBanner.Action id="reconnect">Sign in again</ReconnectBanner.Action>
        <ReconnectBanner.Message />
      </ReconnectBanner.Root>,
    );
    await settle();
    const root = screen.getByRole('status');
    expect(root.firstElementChild).toHaveTextContent('Sign in again');
    expect(within(root).queryByRole('button', { name: 'Dismiss' })).toBeNull();
  });

  it('given the Spanish catalog, should speak Spanish and say so', async () => {
    const connection = aConnection({ id: 'l1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
    kit(<ReconnectBanner connection={connection} />, { messages: es, locale: 'es' });
    await settle();
    expect(screen.getByRole('status')).toHaveAttribute('lang', 'es');
    expect(screen.getByRole('button', { name: 'Reconectar' })).toBeInTheDocument();
  });

  it('given a broken connection with a last successful update, should say when, in the provider\'s locale', async () => {
    const connection = aConnection({ id: 'd1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', successfullyAggregatedAt: '2026-11-02T10:00:00Z' });
    const english = kit(<ReconnectBanner connection={connection} />, { locale: 'en-GB' });
    await settle();
    expect(english.container.querySelector('[data-slot="banner-updated"]')?.textContent).toBe('Last updated 2 Nov 2026.');
    english.unmount();
    const spanish = kit(<ReconnectBanner connection={connection} />, { messages: es, locale: 'es' });
    await settle();
    expect(spanish.container.querySelector('[data-slot="banner-updated"]')?.textContent).toBe('Última actualización: 2 nov 2026.');
  });

  it('given a prompt about fresh data or a date that does not parse, should not show a date', async () => {
    const soon = aConnection({ id: 'd2', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON', successfullyAggregatedAt: '2026-11-02T10:00:00Z' });
    const junk = aConnection({ id: 'd3', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', successfullyAggregatedAt: 'yesterday-ish' });
    const { container } = kit(
      <>
        <ReconnectBanner connection={soon} />
        <ReconnectBanner connection={junk} />
      </>,
    );
    await settle();
    expect(container.querySelectorAll('[data-slot="banner"]')).toHaveLength(2);
    expect(container.querySelector('[data-slot="banner-updated"]')).toBeNull();
  });

  it('given a connectionId, should read it through the kit', async () => {
    resetFake([aConnection({ id: 'q1', status: 'RECONNECT_REQUIRED', statusReason: 'OTHER' })]);
    kit(<ReconnectBanner connectionId="q1" />);
    await settle();
    expect(await screen.findByRole('button', { name: 'Reconnect' })).toBeInTheDocument();
  });
});

describe('misuse', () => {
  it('given no provider or no connection, should throw errors that name the component and the fix', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<ReconnectBanner connectionId="c1" />)).toThrow(/`ReconnectBanner` must be used inside <ReconnectKitProvider>/);
    expect(() => render(<LinkNewAccountsPrompt connectionId="c1" />)).toThrow(/`LinkNewAccountsPrompt` must be used inside <ReconnectKitProvider>/);
    expect(() => kit(<ReconnectBanner />)).toThrow(/<ReconnectBanner> needs a `connectionId` or a `connection`/);
  });
});

describe('ConnectionStatusBadge words', () => {
  it('given a catalog that puts the status first, should keep its word order', () => {
    const connection = aConnection({ id: 'b2', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' });
    const { container } = kit(<ConnectionStatusBadge connection={connection} unstyled />, { messages: { 'status.label': '{status} ({institution})' } });
    const badge = container.querySelector('[data-slot="status-badge"]');
    expect(badge?.textContent).toBe('Needs reconnect (First Test Bank)');
    expect(badge?.firstElementChild).toHaveAttribute('data-slot', 'status-badge-text');
    expect(badge?.querySelector('[class]')).toBeNull();
  });
});

describe('useReconnectPrompt (headless)', () => {
  function CustomPrompt({ connection }: { connection: Connection }) {
    const prompt = useReconnectPrompt(connection);
    if (!prompt.visible) return null;
    return (
      <aside {...prompt.rootProps} className="my-card">
        <span>{prompt.message}</span>
        {prompt.actions.map((action) => (
          <button key={action.id} {...prompt.getActionProps(action)} />
        ))}
        {prompt.dismissible ? <button {...prompt.dismissProps}>×</button> : null}
      </aside>
    );
  }

  it('given custom markup, should hand it the decision, the words and working prop bags', async () => {
    const onStartNewConnection = vi.fn();
    const connection = aConnection({ id: 'h1', status: 'UNRECOVERABLE', statusReason: 'OTHER' });
    kit(<CustomPrompt connection={connection} />, { onStartNewConnection });
    const root = screen.getByRole('status');
    expect(root.tagName).toBe('ASIDE');
    expect(root).toHaveAttribute('data-state', 'start-new-connection');
    expect(root).toHaveTextContent('cannot be restored');
    const action = within(root).getByRole('button', { name: 'Connect again' });
    expect(action).toHaveAttribute('type', 'button');
    expect(action).toHaveAttribute('data-action', 'start-new');
    action.click();
    expect(onStartNewConnection).toHaveBeenCalledWith(connection);
    within(root).getByRole('button', { name: 'Dismiss' }).click();
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
  });
});

describe('LinkNewAccountsPrompt', () => {
  it.each(BANNER.map(([status, reason]) => [status, reason] as const))('given %s / %s, should show only for NEW_ACCOUNTS_AVAILABLE', async (status, statusReason) => {
    const connection = aConnection({ id: `n-${status}-${statusReason}`, status, statusReason });
    const { container } = kit(<LinkNewAccountsPrompt connection={connection} />);
    await settle();
    const shown = container.querySelector('[data-slot="new-accounts"]');
    if (statusReason === 'NEW_ACCOUNTS_AVAILABLE') {
      expect(within(shown as HTMLElement).getByRole('button', { name: /new accounts/ })).toBeInTheDocument();
      expect(within(shown as HTMLElement).getByRole('button', { name: 'Remind me later' })).toBeInTheDocument();
    } else {
      expect(shown).toBeNull();
    }
  });
});

describe('ConnectionStatusBadge', () => {
  it.each<[Partial<Connection>, string, string]>([
    [{ status: 'ACTIVE' }, 'Connected', 'none'],
    [{ status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }, 'Needs reconnect', 'critical'],
    [{ status: 'UNRECOVERABLE', statusReason: 'INSTITUTION_DISABLED' }, 'No longer supported', 'critical'],
    [{ status: 'SOMETHING_NEW' }, 'Status unknown', 'info'],
  ])('given %o, should read "%s"', (fields, label, severity) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { container } = kit(<ConnectionStatusBadge connection={aConnection({ id: 'b1', ...fields })} />);
    const badge = container.querySelector('[data-slot="status-badge"]');
    expect(badge).toHaveAttribute('data-severity', severity);
    expect(badge?.textContent).toBe(`First Test Bank: ${label}`);
    expect(badge?.querySelector('[data-slot="status-badge-text"]')?.textContent).toBe(label);
    expect(badge?.querySelector('[data-slot="status-badge-context"]')).toHaveClass('mrk-visually-hidden');
  });
});
