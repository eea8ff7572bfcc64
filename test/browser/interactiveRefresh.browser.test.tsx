import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { userEvent } from 'vitest/browser';
import { describe, expect, it } from 'vitest';
import { OperationNotAllowedError, ReconnectKitProvider, useConnection, useRefreshConnection } from '../../src/index.js';
import { BASE_URL, connection, hostState, resetHost } from './fakeHost.js';

// Runs first in its own frame: no customer gesture has happened here yet.
describe('DEGRADED + INTERACTIVE_REFRESH in Chromium', () => {
  it('should refresh only as the direct result of a customer action', async () => {
    await resetHost([connection('c2', 'DEGRADED', 'INTERACTIVE_REFRESH')]);
    const errors: unknown[] = [];
    let refreshNow: (() => void) | undefined;
    function Refresh() {
      const { data } = useConnection('c2');
      const refresh = useRefreshConnection({ onError: (error) => errors.push(error) });
      refreshNow = () => refresh.mutate('c2');
      return (
        <button type="button" disabled={!data} onClick={() => refresh.mutate('c2')}>
          {refresh.isSuccess ? 'Refreshed' : 'Refresh now'}
        </button>
      );
    }
    render(
      <ReconnectKitProvider baseUrl={BASE_URL} queryClient={new QueryClient()} broadcastChannel={false}>
        <Refresh />
      </ReconnectKitProvider>,
    );
    const button = await screen.findByRole('button', { name: 'Refresh now' });
    await waitFor(() => expect(button).toBeEnabled());

    // From a timer, not a gesture: refused without a request.
    expect(navigator.userActivation.isActive).toBe(false);
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        refreshNow?.();
        resolve();
      }, 0),
    );
    await waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toBeInstanceOf(OperationNotAllowedError);
    expect(errors[0]).toMatchObject({ kind: 'needs-customer-action' });
    expect((await hostState()).counts['POST /connections/c2/refresh']).toBeUndefined();

    // From a real click: sent.
    await userEvent.click(button);
    await screen.findByRole('button', { name: 'Refreshed' });
    expect((await hostState()).counts['POST /connections/c2/refresh']).toBe(1);
  });
});
