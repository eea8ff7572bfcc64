// After the last view of a connection unmounts, nothing the kit started is left behind: no widget,
// no scroll lock, no subscription to the query cache, no listener on the page. Counted, not assumed.
import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionStatusBadge, ReconnectBanner, ReconnectKitProvider, useReconnectFlow, type Connection } from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, resetFake } from '../helpers/hostServer.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

function FlowStatus({ id }: { id: string }) {
  const flow = useReconnectFlow(id);
  return <p>flow {flow.status}</p>;
}

afterEach(() => vi.restoreAllMocks());

describe('given every view of a connection unmounts', () => {
  it('should leave no widget, scroll lock, cache subscription or page listener behind, even with the widget open', async () => {
    const broken: Connection = aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'First Bank' });
    resetFake([broken]);
    const queryClient = newQueryClient();
    const added = vi.spyOn(window, 'addEventListener');
    const removed = vi.spyOn(window, 'removeEventListener');
    const view = render(
      <ReconnectKitProvider baseUrl={BASE} queryClient={queryClient} broadcastChannel={false} dismissStorage={null}>
        <ReconnectBanner connection={broken} />
        <ReconnectBanner connection={broken} />
        <ConnectionStatusBadge connection={broken} />
        <FlowStatus id="c1" />
      </ReconnectKitProvider>,
    );
    const [reconnect] = await screen.findAllByRole('button', { name: 'Reconnect' });
    await act(async () => reconnect!.click());
    await waitFor(() => expect(document.querySelector('dialog')).not.toBeNull());
    expect(screen.getByText('flow widget-open')).toBeTruthy();
    expect(document.body.style.overflow).toBe('hidden');
    expect(queryClient.getQueryCache().hasListeners()).toBe(true);

    view.unmount();
    // Idle engines wait one task to be taken back (StrictMode remounts at once); then they go.
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));

    expect(document.querySelector('dialog')).toBeNull();
    expect(document.body.style.overflow).toBe('');
    expect(queryClient.getQueryCache().hasListeners()).toBe(false);
    const count = (spy: typeof added, type: string) => spy.mock.calls.filter(([t]) => t === type).length;
    expect(count(removed, 'message')).toBe(count(added, 'message'));
  });
});
