// A server process renders many pages; the browser loading one starts cold. A
// prompt's live view, once loaded on the server, must still render the markup
// a cold browser hydrates (found by the Next.js example: its second page view
// failed to hydrate, React error #418).
import { QueryClient } from '@tanstack/react-query';
import { version, type ReactNode } from 'react';
import { Writable } from 'node:stream';
import { hydrateRoot } from 'react-dom/client';
import { renderToPipeableStream } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as KitModule from '../../src/index.js';
import type { Connection } from '../../src/index.js';
import { aConnection } from '../helpers/connections.js';

type Kit = typeof KitModule;

const broken: Connection = aConnection({ id: 'conn_broken', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'Harbor Credit Union' });

function page(kit: Kit): ReactNode {
  return (
    <kit.ReconnectKitProvider baseUrl="/api/meld" queryClient={new QueryClient()} broadcastChannel={false} dismissStorage={null}>
      <article>
        <kit.ReconnectBanner connection={broken} />
      </article>
    </kit.ReconnectKitProvider>
  );
}

/** The whole page once everything has loaded, as a streaming server sends it (React 18 and 19). */
function serverRender(kit: Kit): Promise<string> {
  return new Promise((resolve, reject) => {
    let html = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        html += chunk.toString();
        done();
      },
    });
    sink.on('finish', () => resolve(html));
    const stream = renderToPipeableStream(page(kit), { onAllReady: () => stream.pipe(sink), onShellError: reject });
  });
}

afterEach(() => {
  document.body.innerHTML = '';
});

// React 18 (the react18 project runs this file too) fails here for another reason, with or without
// a warm server: "This Suspense boundary received an update before it finished hydrating", so the
// prompt is client-rendered. Known and reported; this test covers the mismatch on React 19.
const react18 = version.startsWith('18.');

describe('given a server that has already rendered a prompt (its live view loaded in that process)', () => {
  it.skipIf(react18)('when a browser that has loaded nothing yet hydrates the next page, should hydrate it without a mismatch', async () => {
    const server = await import('../../src/index.js');
    await serverRender(server); // the first page view loads the view on the server
    const html = await serverRender(server);
    expect(html).toContain('data-slot="banner"');

    // The browser: a fresh copy of the kit's modules, nothing loaded yet.
    vi.resetModules();
    const browser = (await import('../../src/index.js')) as Kit;
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const recoverable: unknown[] = [];
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const root = hydrateRoot(container, page(browser), { onRecoverableError: (error) => recoverable.push(error) });
      await vi.waitFor(() => expect(container.querySelector('[data-slot="banner"] button')?.textContent).toMatch(/Reconnect/));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(recoverable.map(String)).toEqual([]);
      expect(consoleError.mock.calls.map((args) => args.map(String).join(' ')).filter((line) => /hydrat/i.test(line))).toEqual([]);
      root.unmount();
    } finally {
      consoleError.mockRestore();
    }
  });
});
