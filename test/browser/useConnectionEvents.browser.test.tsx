import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReconnectKitProvider, useConnection, useConnectionEvents } from '../../src/index.js';
import { BASE_URL, connection, control, emit, hostState, resetHost } from './fakeHost.js';

function Status({ id }: { id: string }) {
  const { data } = useConnection(id);
  return <p>{data ? `${data.id}: ${data.status}/${data.statusReason ?? '-'}` : 'loading'}</p>;
}

function Live() {
  const { state } = useConnectionEvents();
  return <p>stream {state}</p>;
}

function app(children: React.ReactNode, queryClient = new QueryClient()) {
  return (
    <ReconnectKitProvider baseUrl={BASE_URL} queryClient={queryClient} broadcastChannel={false}>
      {children}
    </ReconnectKitProvider>
  );
}

beforeEach(() => resetHost([connection('c1')]));
afterEach(async () => {
  document.body.innerHTML = '';
});

describe('useConnectionEvents in Chromium (cross-origin SSE from a loopback host)', () => {
  it('given a pushed status change, should update the screen with no further GET', async () => {
    const view = render(app(<><Live /><Status id="c1" /></>));
    await screen.findByText('c1: ACTIVE/-');
    await screen.findByText('stream open');
    const before = (await hostState()).counts['GET /connections/c1'];

    await emit({ connectionId: 'c1', oldStatus: 'ACTIVE', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'LOGIN_REQUIRED' });
    await screen.findByText('c1: RECONNECT_REQUIRED/LOGIN_REQUIRED');
    expect((await hostState()).counts['GET /connections/c1']).toBe(before);
    view.unmount();
  });

  it('given several components and StrictMode, should hold one stream and close it on unmount', async () => {
    const view = render(
      <StrictMode>
        {app(
          <>
            <Live />
            <Live />
            <Live />
          </>,
        )}
      </StrictMode>,
    );
    await waitFor(async () => expect((await hostState()).openStreams).toBe(1));
    expect(screen.getAllByText('stream open')).toHaveLength(3);
    view.unmount();
    await waitFor(async () => expect((await hostState()).openStreams).toBe(0));
  });

  it('given the host answers 503, should back off, reconnect, and then deliver', async () => {
    await control('fail-streams', '?n=2');
    const view = render(app(<><Live /><Status id="c1" /></>));
    await screen.findByText('stream reconnecting');
    await screen.findByText('stream open', undefined, { timeout: 8_000 });
    expect((await hostState()).counts['GET /events']).toBe(3);
    await emit({ connectionId: 'c1', newStatus: 'DEGRADED', newStatusReason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' });
    await screen.findByText('c1: DEGRADED/INSTITUTION_CURRENTLY_UNAVAILABLE');
    view.unmount();
  });

  it('given the stream drops, should resume with the last event id and re-read watched connections', async () => {
    const view = render(app(<><Live /><Status id="c1" /></>));
    await screen.findByText('stream open');
    await emit({ connectionId: 'c1', newStatus: 'ACTIVE', newStatusReason: 'NEW_ACCOUNTS_AVAILABLE' });
    await screen.findByText('c1: ACTIVE/NEW_ACCOUNTS_AVAILABLE');
    const readsBefore = (await hostState()).counts['GET /connections/c1'] ?? 0;

    await control('drop-streams');
    await waitFor(async () => expect((await hostState()).counts['GET /events']).toBe(2), { timeout: 5_000 });
    await screen.findByText('stream open');
    const state = await hostState();
    expect(state.lastEventIds.at(-1)).not.toBe('');
    await waitFor(async () => expect((await hostState()).counts['GET /connections/c1']).toBe(readsBefore + 1));
    view.unmount();
  });

  it('given enabled=false, should open no stream', async () => {
    function Toggle() {
      const [enabled] = useState(false);
      const { state } = useConnectionEvents({ enabled });
      return <p>stream {state}</p>;
    }
    const view = render(app(<Toggle />));
    await screen.findByText('stream idle');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await hostState()).counts['GET /events']).toBeUndefined();
    view.unmount();
  });
});
