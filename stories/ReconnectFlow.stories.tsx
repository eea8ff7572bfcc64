import type { Meta, StoryObj } from '@storybook/react-vite';
import { QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import {
  HostApiError,
  ReconnectKitProvider,
  useConnection,
  useReconnectFlow,
  type Connection,
  type HostApi,
  type ReconnectKitEvent,
} from '../src/index.js';

type Outcome = 'fixed' | 'still-broken' | 'cannot-repair';

/**
 * An in-memory host backend: a `HostApi` object, as a host with a GraphQL
 * backend would pass. After a repair session is handed out, the next read
 * shows the outcome the story asks for.
 */
function inMemoryHost(outcome: Outcome): HostApi {
  let connection: Connection = {
    id: 'conn_demo',
    status: 'RECONNECT_REQUIRED',
    statusReason: 'LOGIN_REQUIRED',
    institutionName: 'First Test Bank',
  };
  const fail = (): never => {
    throw new HostApiError({ kind: 'not-found', status: 404, message: 'Only conn_demo exists here' });
  };
  return {
    async listConnections() {
      return [connection];
    },
    async getConnection(id) {
      return id === connection.id ? connection : fail();
    },
    async repairConnection(id) {
      if (id !== connection.id) fail();
      if (outcome === 'cannot-repair') {
        throw new HostApiError({ kind: 'conflict', status: 409, code: 'CONNECTION_NOT_REPAIRABLE', message: 'Start a new connection' });
      }
      connection =
        outcome === 'fixed'
          ? { ...connection, status: 'ACTIVE', statusReason: null }
          : { ...connection, status: 'RECONNECT_REQUIRED', statusReason: 'OTHER' };
      return { connectionId: id, connectToken: 'demo', widgetUrl: `${window.location.origin}/meld-widget-stand-in.html?auto=complete` };
    },
    async refreshConnection() {
      return { requestId: 'demo' };
    },
    async updateConnectionProducts() {
      return { requestId: 'demo' };
    },
    async deleteConnection() {},
  };
}

function Flow() {
  const { data } = useConnection('conn_demo');
  const flow = useReconnectFlow('conn_demo', { verification: { delaysMs: [300, 600, 1_200], timeoutMs: 3_000 } });
  return (
    <div>
      <p>
        {data?.institutionName}: {data?.status ?? 'loading'}
        {data?.statusReason ? ` (${data.statusReason})` : ''}
      </p>
      <button type="button" onClick={() => flow.start()} disabled={flow.isBusy}>
        Reconnect
      </button>
      <p role="status" data-flow-status={flow.status}>
        Flow: {flow.status}
        {flow.failure ? `, ${flow.failure}` : ''}
      </p>
    </div>
  );
}

function Demo({ outcome }: { outcome: Outcome }) {
  const [setup] = useState(() => ({ host: inMemoryHost(outcome), client: new QueryClient() }));
  const [events, setEvents] = useState<string[]>([]);
  return (
    <ReconnectKitProvider
      hostApi={setup.host}
      queryClient={setup.client}
      broadcastChannel={false}
      widget={{ allowedHosts: [window.location.host] }}
      onEvent={(event: ReconnectKitEvent) => setEvents((previous) => [...previous, event.type])}
    >
      <Flow />
      <p>Events: {events.join(', ') || 'none yet'}</p>
    </ReconnectKitProvider>
  );
}

const meta = {
  title: 'Widget/Reconnect flow',
  component: Demo,
  parameters: {
    docs: {
      description: {
        component:
          '`useReconnectFlow`: repair session -> Meld widget (a stand-in here) -> verification, with funnel events. The host backend is an in-memory `HostApi`.',
      },
    },
  },
} satisfies Meta<typeof Demo>;

export default meta;
type Story = StoryObj<typeof meta>;

async function runFlow(canvasElement: HTMLElement, expected: string) {
  const canvas = within(canvasElement);
  await canvas.findByText(/First Test Bank: RECONNECT_REQUIRED/);
  await userEvent.click(canvas.getByRole('button', { name: 'Reconnect' }));
  await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent(expected), { timeout: 6_000 });
  return canvas;
}

/** The customer signs in; the connection comes back. */
export const Verified: Story = {
  args: { outcome: 'fixed' },
  play: async ({ canvasElement }) => {
    const canvas = await runFlow(canvasElement, 'Flow: verified');
    await expect(canvas.getByText(/First Test Bank: ACTIVE/)).toBeInTheDocument();
    await expect(canvas.getByText('Events: flow_started, widget_opened, widget_completed, verified')).toBeInTheDocument();
  },
};

/** The customer signs in, but the provider still reports a broken connection. */
export const StillBroken: Story = {
  args: { outcome: 'still-broken' },
  play: async ({ canvasElement }) => {
    await runFlow(canvasElement, 'Flow: still-broken, still-broken');
  },
};

/** The host answers 409: this connection cannot be repaired; start a new one. */
export const CannotRepair: Story = {
  args: { outcome: 'cannot-repair' },
  play: async ({ canvasElement }) => {
    await runFlow(canvasElement, 'Flow: failed, cannot-repair');
    await expect(document.querySelector('dialog')).toBeNull();
  },
};
