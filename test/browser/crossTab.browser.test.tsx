import { QueryClient } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ReconnectKitProvider, applyStatusChange, useConnection, useDeleteConnection } from '../../src/index.js';
import { BASE_URL, connection, hostState, resetHost } from './fakeHost.js';

function Status({ id, tab }: { id: string; tab: string }) {
  const { data } = useConnection(id);
  return <p>{data ? `${tab} ${data.id}: ${data.status}` : `${tab} loading`}</p>;
}

function Tab({ name, client, channel }: { name: string; client: QueryClient; channel: string }) {
  return (
    <ReconnectKitProvider baseUrl={BASE_URL} queryClient={client} broadcastChannel={channel}>
      <Status id="c1" tab={name} />
    </ReconnectKitProvider>
  );
}

beforeEach(() => resetHost([connection('c1')]));

describe('status changes across tabs (BroadcastChannel in Chromium)', () => {
  it('given a change applied in one tab, should show it in another with no request', async () => {
    const channel = `mrk-${crypto.randomUUID()}`;
    const tabA = new QueryClient();
    const tabB = new QueryClient();
    const view = render(
      <>
        <Tab name="A" client={tabA} channel={channel} />
        <Tab name="B" client={tabB} channel={channel} />
      </>,
    );
    await screen.findByText('A c1: ACTIVE');
    await screen.findByText('B c1: ACTIVE');
    const reads = (await hostState()).counts['GET /connections/c1'];

    applyStatusChange(tabA, { connectionId: 'c1', newStatus: 'RECONNECT_REQUIRED', newStatusReason: 'TOKEN_EXPIRED' });
    await screen.findByText('A c1: RECONNECT_REQUIRED');
    await screen.findByText('B c1: RECONNECT_REQUIRED');
    expect((await hostState()).counts['GET /connections/c1']).toBe(reads);
    view.unmount();
  });

  it('given a delete in one tab, should mark it deleted in the other', async () => {
    const channel = `mrk-${crypto.randomUUID()}`;
    const tabA = new QueryClient();
    const tabB = new QueryClient();
    function DeleteIn() {
      const remove = useDeleteConnection();
      return (
        <button type="button" onClick={() => remove.mutate('c1')}>
          Delete
        </button>
      );
    }
    const view = render(
      <>
        <ReconnectKitProvider baseUrl={BASE_URL} queryClient={tabA} broadcastChannel={channel}>
          <DeleteIn />
        </ReconnectKitProvider>
        <Tab name="B" client={tabB} channel={channel} />
      </>,
    );
    await screen.findByText('B c1: ACTIVE');
    screen.getByRole('button', { name: 'Delete' }).click();
    await screen.findByText('B c1: DELETED');
    view.unmount();
  });

  it('given a foreign message on the channel, should ignore it', async () => {
    const channel = `mrk-${crypto.randomUUID()}`;
    const tab = new QueryClient();
    const view = render(<Tab name="A" client={tab} channel={channel} />);
    await screen.findByText('A c1: ACTIVE');
    const intruder = new BroadcastChannel(channel);
    intruder.postMessage({ connectionId: 'c1', newStatus: 'DELETED' });
    intruder.postMessage({ type: 'something-else', input: { connectionId: 'c1', newStatus: 'DELETED' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.getByText('A c1: ACTIVE')).toBeTruthy();
    intruder.close();
    view.unmount();
  });
});
