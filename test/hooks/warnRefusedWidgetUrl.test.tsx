// A widget URL refused for its host fails quietly for the customer ("could not open the
// sign-in window safely"); in development the console says which host and which option.
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeldWidgetDialog, ReconnectBanner, ReconnectKitProvider, type HostApi, type WidgetSettings } from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

function hostApiOpening(widgetUrl: string): HostApi {
  return {
    listConnections: vi.fn(async () => []),
    getConnection: vi.fn(async (id: string) => aConnection({ id, status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' })),
    repairConnection: vi.fn(async (id: string) => ({ connectionId: id, connectToken: 'tok', widgetUrl })),
    refreshConnection: vi.fn(async () => ({ requestId: 'r' })),
    updateConnectionProducts: vi.fn(async () => ({ requestId: 'r' })),
    deleteConnection: vi.fn(async () => {}),
  };
}

function renderBanner(widgetUrl: string, widget?: WidgetSettings) {
  const connection = aConnection({ id: 'c1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'First Bank' });
  return render(
    <ReconnectKitProvider hostApi={hostApiOpening(widgetUrl)} queryClient={newQueryClient()} broadcastChannel={false} dismissStorage={null} widget={widget}>
      <ReconnectBanner connection={connection} />
    </ReconnectKitProvider>,
  );
}

async function reconnect(container: HTMLElement) {
  await userEvent.click(await screen.findByRole('button', { name: /Reconnect/ }));
  await waitFor(() => expect(container.querySelector('[data-slot="banner"]')).toHaveAttribute('data-state', 'failed'));
}

const warnings = (warn: { mock: { calls: unknown[][] } }) => warn.mock.calls.map((args) => String(args[0]));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  document.querySelectorAll('dialog').forEach((d) => d.remove());
});

describe('a widget URL refused for its host', () => {
  it('given a host not in widget.allowedHosts, when the customer reconnects, should warn once in development, naming the host and the option', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const first = renderBanner('https://widget.partner.example/?connectToken=tok');
    const { container } = first;
    await reconnect(container);
    expect(warnings(warn)).toHaveLength(1);
    const [message] = warnings(warn);
    expect(message).toContain('widget.partner.example');
    expect(message).toContain("<ReconnectKitProvider widget={{ allowedHosts: ['widget.partner.example'] }}>");
    // The customer's side is unchanged: the kit's own words, from the catalog.
    expect(container.textContent).toContain('We could not open the sign-in window safely');

    // Another attempt (a new page view of the same app): once is enough.
    first.unmount();
    await reconnect(renderBanner('https://widget.partner.example/?connectToken=tok2').container);
    expect(warnings(warn)).toHaveLength(1);
  });

  it('given plain http on a host not listed (a local simulator), should name the host with its port', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { container } = renderBanner('http://127.0.0.1:4010/?connectToken=tok');
    await reconnect(container);
    expect(warnings(warn)).toHaveLength(1);
    expect(warnings(warn)[0]).toContain('plain http is allowed only for hosts in allowedHosts');
    expect(warnings(warn)[0]).toContain("allowedHosts: ['127.0.0.1:4010']");
  });

  it('given the host listed in widget.allowedHosts, should open the widget and warn nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    renderBanner('https://widget.listed.example/?connectToken=tok', { allowedHosts: ['widget.listed.example'] });
    await userEvent.click(await screen.findByRole('button', { name: /Reconnect/ }));
    await waitFor(() => expect(document.querySelector('dialog iframe')).not.toBeNull());
    expect(document.querySelector('dialog iframe')?.getAttribute('src')).toContain('widget.listed.example');
    expect(warnings(warn)).toEqual([]);
  });

  it('given a production build, should warn nothing', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { container } = renderBanner('https://widget.production.example/?connectToken=tok');
    await reconnect(container);
    expect(warnings(warn)).toEqual([]);
  });

  it('given MeldWidgetDialog (useMeldWidget) with a refused host, should warn too, and still report the error', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const onError = vi.fn();
    await act(async () => {
      render(<MeldWidgetDialog widgetUrl="https://dialog.partner.example/x" onError={onError} />);
    });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(warnings(warn)).toHaveLength(1);
    expect(warnings(warn)[0]).toContain("allowedHosts: ['dialog.partner.example']");
  });

  it('given a URL refused for another reason (not https, credentials), should not blame allowedHosts', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const onError = vi.fn();
    await act(async () => {
      render(<MeldWidgetDialog widgetUrl="https://user:secret@institution-connect-sb.meld.io/" onError={onError} />);
    });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(warnings(warn)).toEqual([]);
  });
});
