import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { ReconnectBanner, defaultMessages, formatMessage } from '../../src/index.js';
import { aConnection, renderKit } from './componentHarness.js';
import { hold, release, resetHost } from './fakeHost.js';

afterEach(async () => {
  cleanup();
  await release();
});

describe('the provider\'s verification settings, in Chromium', () => {
  it('given reads that never answer and a short limit, should end unconfirmed and say so', async () => {
    await resetHost([aConnection('u1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', { widget: 'auto=complete' })]);
    // Every read after the widget completes hangs: nothing can confirm the repair.
    const { container } = renderKit(<ReconnectBanner connectionId="u1" />, { verification: { timeoutMs: 400, delaysMs: [100] } });
    const reconnect = await screen.findByRole('button', { name: 'Reconnect' });
    await hold('GET /connections/u1');
    await userEvent.click(reconnect);
    const banner = () => container.querySelector('[data-slot="banner"]');
    await waitFor(() => expect(banner()?.getAttribute('data-state')).toBe('unconfirmed'), { timeout: 5_000 });
    expect(banner()?.textContent).toContain(formatMessage(defaultMessages['prompt.unconfirmed'], { institution: 'First Test Bank' }));
    expect(banner()).toHaveAttribute('role', 'status');
  });
});
