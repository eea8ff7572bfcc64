// While the widget is open the banner tells the customer where to finish: the sign-in
// dialog on this page, or the popup window. The words come from the catalogs.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReconnectBanner, ReconnectKitProvider, es, type HostApi, type WidgetSettings } from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

const hostApi: HostApi = {
  listConnections: async () => [],
  getConnection: async (id) => aConnection({ id, status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
  repairConnection: async (id) => ({ connectionId: id, connectToken: 'tok', widgetUrl: 'https://institution-connect-sb.meld.io/?connectToken=tok' }),
  refreshConnection: async () => ({ requestId: 'r' }),
  updateConnectionProducts: async () => ({ requestId: 'r' }),
  deleteConnection: async () => {},
};

function renderBanner(widget: WidgetSettings, messages?: typeof es) {
  const connection = aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'First Bank' });
  return render(
    <ReconnectKitProvider hostApi={hostApi} queryClient={newQueryClient()} broadcastChannel={false} dismissStorage={null} widget={widget} messages={messages}>
      <ReconnectBanner connection={connection} />
    </ReconnectKitProvider>,
  );
}

async function openWidget(container: HTMLElement, button: RegExp) {
  await userEvent.click(await screen.findByRole('button', { name: button }));
  await waitFor(() => expect(container.querySelector('[data-slot="banner"]')).toHaveAttribute('data-state', 'widget-open'));
  return container.querySelector('[data-slot="banner"]')?.textContent ?? '';
}

afterEach(() => {
  vi.restoreAllMocks();
  document.querySelectorAll('dialog').forEach((d) => d.remove());
});

describe('the widget-open message', () => {
  it('given dialog mode, should point at the sign-in dialog, not a window', async () => {
    const { container } = renderBanner({ mode: 'dialog' });
    const text = await openWidget(container, /Reconnect/);
    expect(text).toContain('Finish signing in to First Bank in the sign-in dialog.');
    expect(text).not.toContain('window');
  });

  it('given dialog mode in Spanish, should use the Spanish catalog', async () => {
    const { container } = renderBanner({ mode: 'dialog' }, es);
    const text = await openWidget(container, /Reconectar/);
    expect(text).toContain(es['prompt.widget-open-dialog'].replace('{institution}', 'First Bank'));
    expect(text).not.toContain('ventana');
  });

  it('given popup mode, should point at the window that opened', async () => {
    const popup = { closed: false, close: vi.fn(), focus: vi.fn(), location: { replace: vi.fn() } };
    vi.spyOn(window, 'open').mockImplementation(() => popup as unknown as Window);
    // Popup mode needs the relay page on this page's origin (see the Backend guide); without one it falls back to the dialog.
    const { container } = renderBanner({ mode: 'popup', relayUrl: `${location.origin}/api/meld/widget-relay` });
    const text = await openWidget(container, /Reconnect/);
    expect(text).toContain('Finish signing in to First Bank in the window that opened.');
  });
});
