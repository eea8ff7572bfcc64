// Shared by the component tests in Chromium: the kit's stylesheet, a provider
// wired to the loopback host, connections for every row of Meld's table, axe
// with colour contrast, and CDP media emulation.
import '../../src/theme/tokens.css';
import '../../src/theme/components.css';
import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import axe from 'axe-core';
import type { ComponentProps, ReactNode } from 'react';
import { cdp } from 'vitest/browser';
import { ReconnectKitProvider, STATUS_TABLE, type Connection } from '../../src/index.js';
import { BASE_URL, HOST_PORT } from './fakeHost.js';

export const INSTITUTION_MESSAGE = 'Open the First Test Bank app and approve access for Meld under Settings > Connected apps.';

/** A Meld-shaped connection, as the host's endpoints return it. */
export function aConnection(id: string, status: string, statusReason: string | null, extra: Partial<Connection> = {}): Connection {
  return {
    id,
    status,
    statusReason,
    institutionName: 'First Test Bank',
    externalCustomerId: 'ext_1',
    successfullyAggregatedAt: '2026-11-01T10:05:00Z',
    ...(statusReason === 'INSTITUTION_ACTION_REQUIRED' ? { institutionMessage: INSTITUTION_MESSAGE } : {}),
    ...extra,
  };
}

/** One connection per row of Meld's status table, ids `row-STATUS-REASON`. */
export function connectionsForEveryRow(prefix = 'row'): Connection[] {
  return STATUS_TABLE.map((row) => aConnection(`${prefix}-${row.status}-${row.reason ?? 'none'}`, row.status, row.reason));
}

type ProviderProps = Partial<Omit<ComponentProps<typeof ReconnectKitProvider>, 'hostApi'>>;

/**
 * Renders inside a provider that talks to the loopback host, within a wrapper
 * that carries the theme and direction (the kit reads them from any ancestor).
 */
export function renderKit(ui: ReactNode, provider: ProviderProps = {}, wrapper: { theme?: string; dir?: string } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <div data-testid="kit-wrapper" data-mrk-theme={wrapper.theme} dir={wrapper.dir}>
      <ReconnectKitProvider
        baseUrl={BASE_URL}
        queryClient={queryClient}
        broadcastChannel={false}
        dismissStorage={null}
        onStartNewConnection={() => {}}
        widget={{ allowedHosts: [HOST_PORT] }}
        {...(provider as object)}
      >
        {ui}
      </ReconnectKitProvider>
    </div>,
  );
  const wrapperElement = view.getByTestId('kit-wrapper');
  return { ...view, queryClient, wrapper: wrapperElement };
}

export interface Violation {
  rule: string;
  impact: string | null | undefined;
  nodes: Array<{ target: string; summary: string | undefined }>;
}

/**
 * axe on one element, colour contrast on. `region` is off: landmarks are the
 * host page's business, not a component's. `iframes: false` keeps axe out of
 * the widget's cross-origin frame (it would wait for an answer that never comes).
 */
export async function axeViolations(context: Element): Promise<Violation[]> {
  const results = await axe.run(context, {
    iframes: false,
    resultTypes: ['violations'],
    rules: { 'color-contrast': { enabled: true }, region: { enabled: false } },
  });
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));
}

/** Emulates media features for the whole page (the test frame included) through the DevTools protocol. */
export async function emulateMedia(features: Array<{ name: 'prefers-color-scheme' | 'prefers-reduced-motion'; value: string }>): Promise<void> {
  await cdp().send('Emulation.setEmulatedMedia', { features });
}

/** Every element of the kit's components inside `root` that carries a `style` attribute (a strict CSP refuses those). */
export function elementsWithStyleAttribute(root: Element): Element[] {
  return [...root.querySelectorAll('[data-slot]')].flatMap((slot) => [slot, ...slot.querySelectorAll('*')]).filter((el) => el.hasAttribute('style'));
}

/** Waits one macrotask: long enough for an effect, a notify or a focus change that would follow a render. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** WCAG contrast ratio of two computed colours (`rgb(r, g, b)`, opaque). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (color: string) => {
    const channels = color.match(/\d+(\.\d+)?/g)?.slice(0, 3).map(Number);
    if (!channels || channels.length < 3) throw new Error(`not an rgb() colour: ${color}`);
    const [r, g, bl] = channels.map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
