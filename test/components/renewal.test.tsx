// The renewal date in the prompts (issue 15, part 1): "Renew by 12 March" on
// Meld's ACCESS_EXPIRING_SOON when the host reads a date, today's words when
// not, and the host's early `renewal-due` prompt while Meld still says ACTIVE.
// Through the public components; the connection is read over HTTP (MSW).
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectBanner, ReconnectKitProvider, es, getRenewal, useReconnectPrompt, type Connection } from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, fake, resetFake } from '../helpers/hostServer.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const policy = { periodDays: 90 };
/** The host's renewal reader: its own record of the last authorization plus 90 days. */
const byPolicy = (authorizedDaysAgo: number) => (connection: Connection, now: number) =>
  getRenewal(connection, { now, timeZone: 'UTC', policy: { ...policy, lastAuthorizedAt: NOW - authorizedDaysAgo * DAY } });

function kit(ui: React.ReactNode, extra: Partial<React.ComponentProps<typeof ReconnectKitProvider>> = {}) {
  return render(
    <ReconnectKitProvider baseUrl={BASE} queryClient={newQueryClient()} broadcastChannel={false} dismissStorage={null} {...(extra as object)}>
      {ui}
    </ReconnectKitProvider>,
  );
}

async function settle() {
  await act(async () => {
    await import('../../src/promptParts/PromptView.js');
  });
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  localStorage.clear();
});
afterEach(() => vi.useRealTimers());

describe('renewal in the prompts', () => {
  it('given ACCESS_EXPIRING_SOON and a provider date the host backend derived, should say "Renew by 12 March"', async () => {
    resetFake([aConnection({ id: 'r1', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON', institutionName: 'First Bank', consentExpiresAt: '2026-03-12T10:00:00Z' })]);
    const { container } = kit(<ReconnectBanner connectionId="r1" renewal={(connection, now) => getRenewal(connection, { now })} />, { locale: 'en-GB' });
    await settle();
    expect(await screen.findByText('Renew by 12 March.')).toBeInTheDocument();
    expect(screen.getByText('Your access to First Bank will expire soon. Reconnect now to keep it updating.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeInTheDocument();
    expect(container.querySelector('[data-slot="banner-renew-by"]')).not.toBeNull();
    expect(fake.count('GET /connections/r1')).toBe(1);
  });

  it('should write the day in the catalog\'s locale (Spanish)', async () => {
    resetFake([aConnection({ id: 'r2', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON', consentExpiresAt: '2026-04-15T10:00:00Z' })]);
    kit(<ReconnectBanner connectionId="r2" renewal={(connection, now) => getRenewal(connection, { now })} />, { locale: 'es', messages: es });
    await settle();
    expect(await screen.findByText('Renuévalo antes del 15 de abril.')).toBeInTheDocument();
  });

  it('given ACCESS_EXPIRING_SOON and no date anywhere, should keep today\'s words and never invent a date', async () => {
    resetFake([aConnection({ id: 'r3', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON', institutionName: 'First Bank' })]);
    const { container } = kit(<ReconnectBanner connectionId="r3" renewal={(connection, now) => getRenewal(connection, { now })} />);
    await settle();
    expect(await screen.findByText('Your access to First Bank will expire soon. Reconnect now to keep it updating.')).toBeInTheDocument();
    expect(container.querySelector('[data-slot="banner-renew-by"]')).toBeNull();
  });

  it('given a healthy ACTIVE connection and renewalPromptDays, should inform within the window and show nothing before it', async () => {
    resetFake([
      aConnection({ id: 'near', status: 'ACTIVE', statusReason: null, institutionName: 'Near Bank' }),
      aConnection({ id: 'far', status: 'ACTIVE', statusReason: null, institutionName: 'Far Bank' }),
    ]);
    const { container } = kit(
      <>
        <ReconnectBanner connectionId="near" renewal={byPolicy(80)} renewalPromptDays={14} />
        <ReconnectBanner connectionId="far" renewal={byPolicy(30)} renewalPromptDays={14} />
      </>,
      { locale: 'en-GB' },
    );
    await settle();
    expect(await screen.findByText(/Your access to Near Bank must be renewed soon/)).toBeInTheDocument();
    // 80 days after 11 December: 10 days from now.
    expect(screen.getByText('Renew by 11 March.')).toBeInTheDocument();
    const banners = container.querySelectorAll('[data-slot="banner"]');
    expect(banners).toHaveLength(1);
    expect(banners[0]).toHaveAttribute('data-state', 'renewal-due');
    expect(banners[0]).toHaveAttribute('data-severity', 'info');
    // Meld repairs only once it says ACCESS_EXPIRING_SOON: nothing to press but "remind me later".
    expect(screen.queryByRole('button', { name: 'Reconnect' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Remind me later' })).toBeInTheDocument();
    expect(screen.queryByText(/Far Bank/)).toBeNull();
  });

  it('given renewalPromptDays without a date, or without the option, should show nothing for a healthy connection', async () => {
    resetFake([aConnection({ id: 'h1', status: 'ACTIVE', statusReason: null })]);
    const { container } = kit(
      <>
        <ReconnectBanner connectionId="h1" renewal={(connection, now) => getRenewal(connection, { now })} renewalPromptDays={365} />
        <ReconnectBanner connectionId="h1" renewal={byPolicy(89)} />
      </>,
    );
    await settle();
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(fake.count('GET /connections/h1')).toBe(1);
    expect(container.querySelector('[data-slot="banner"]')).toBeNull();
  });

  it('should hand the text to headless users through useReconnectPrompt', async () => {
    resetFake([aConnection({ id: 'r4', status: 'ACTIVE', statusReason: 'ACCESS_EXPIRING_SOON', consentExpiresAt: '2026-03-12T10:00:00Z' })]);
    function Custom() {
      const prompt = useReconnectPrompt('r4', { renewal: (connection, now) => getRenewal(connection, { now }) });
      return prompt.visible ? <p>{`${prompt.state}: ${prompt.renewBy}`}</p> : null;
    }
    kit(<Custom />);
    expect(await screen.findByText('expiring-soon: Renew by March 12.')).toBeInTheDocument();
  });
});
