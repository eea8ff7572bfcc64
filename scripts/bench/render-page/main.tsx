// The page scripts/bench/render.mjs builds (Vite, production mode) and drives
// in Chromium. Everything is timed here, in the page, with performance.now():
// mounting 1,000 ReconnectBanners vs 1,000 plain <div role="status"> with the
// same text, and one pushed status change among the 1,000.
import '../../../src/theme/tokens.css';
import '../../../src/theme/components.css';
import { QueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import {
  ReconnectBanner,
  ReconnectKitProvider,
  applyStatusChange,
  defaultMessages,
  formatMessage,
  type Connection,
  type HostApi,
} from '../../../src/index.js';

export interface BenchOptions {
  count: number;
  runs: number;
  warmups: number;
}

export interface Samples {
  banner: number[];
  div: number[];
}

export interface BenchResult {
  /** render + commit (+ effects flushed by the sync commit) + a forced style/layout, ms. */
  mount: Samples;
  /** From the same start until follow-up work scheduled by the mount has run (3 idle task turns), ms. */
  settled: Samples;
  /** One status change pushed among the 1,000 (banner: applyStatusChange; div: a setState), to the DOM update plus layout, ms. */
  push: Samples;
  /** The warm-up runs (after the lazy chunks have loaded), ms. */
  warmup: { mount: Samples; push: Samples };
  /** How many prompts were in the DOM right after each measured banner commit (should be `count`). */
  bannersAtCommit: number[];
  /** Whether `gc()` ran between runs (Chromium started with --expose-gc). */
  gcBetweenRuns: boolean;
  /** Host API calls made (should be 0: the benchmark needs no network). */
  hostCalls: number;
  /** The text of the first banner and the first div, to show they say the same thing. */
  sampleText: { banner: string; div: string };
}

declare global {
  interface Window {
    runRenderBench?: (options: BenchOptions) => Promise<BenchResult>;
    gc?: () => void;
  }
}

let hostCalls = 0;
const refuse = (): Promise<never> => {
  hostCalls += 1;
  return Promise.reject(new Error('the render benchmark makes no requests'));
};
const hostApi: HostApi = {
  listConnections: refuse,
  getConnection: refuse,
  repairConnection: refuse,
  refreshConnection: refuse,
  updateConnectionProducts: refuse,
  deleteConnection: refuse,
};

function loginRequired(count: number): Connection[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `conn_${i}`,
    status: 'RECONNECT_REQUIRED',
    statusReason: 'LOGIN_REQUIRED',
    institutionName: `Bank ${i}`,
  }));
}

/** What a banner says, precomputed for the divs (the banner formats it while rendering). */
function bannerText(connection: Connection): string {
  return formatMessage(defaultMessages['prompt.reconnect'], { institution: connection.institutionName ?? '' });
}

const layout = (element: Element) => element.getBoundingClientRect().height;
const afterTimeout = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const afterMessage = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

/** Lets scheduled work run: TanStack Query notifies on a timeout, React renders on a message task. */
async function settle() {
  for (let i = 0; i < 3; i += 1) {
    await afterTimeout();
    await afterMessage();
  }
}

interface Mounted {
  container: HTMLElement;
  root: Root;
  queryClient: QueryClient;
}

function mountPoint(): Mounted {
  const container = document.createElement('div');
  document.body.append(container);
  return { container, root: createRoot(container), queryClient: new QueryClient() };
}

function unmount({ container, root, queryClient }: Mounted) {
  root.unmount();
  container.remove();
  queryClient.clear();
  window.gc?.();
}

function bannersUi(connections: Connection[], queryClient: QueryClient): ReactNode {
  return (
    <ReconnectKitProvider hostApi={hostApi} queryClient={queryClient} broadcastChannel={false} dismissStorage={null}>
      {connections.map((connection) => (
        <ReconnectBanner key={connection.id} connection={connection} />
      ))}
    </ReconnectKitProvider>
  );
}

function divsUi(texts: string[]): ReactNode {
  return texts.map((text, i) => (
    <div key={i} role="status">
      {text}
    </div>
  ));
}

/** One timed mount: render + commit + layout, then until settled. Leaves the tree mounted. */
async function timedMount(ui: ReactNode, into: Mounted) {
  const start = performance.now();
  flushSync(() => into.root.render(ui));
  layout(into.container);
  const committed = performance.now();
  const atCommit = into.container.querySelectorAll('[data-slot="banner"]').length;
  await settle();
  layout(into.container);
  return { mount: committed - start, settled: performance.now() - start, atCommit };
}

/** Time from `act()` to the first DOM change under `container`, plus a forced layout. */
function untilDomChanges(container: HTMLElement, act: () => void): Promise<number> {
  return new Promise((resolve) => {
    let start = 0;
    const observer = new MutationObserver(() => {
      observer.disconnect();
      layout(container);
      resolve(performance.now() - start);
    });
    observer.observe(container, { childList: true, subtree: true, characterData: true, attributes: true });
    start = performance.now();
    act();
  });
}

/** 1,000 divs, each its own component, so one can change alone (the baseline for a push). */
function PlainItem({ text, register }: { text: string; register: (hide: () => void) => void }) {
  const [hidden, setHidden] = useState(false);
  useEffect(() => register(() => setHidden(true)), [register]);
  return hidden ? null : <div role="status">{text}</div>;
}

/**
 * A banner's live view (and the widget launcher it preloads) are separate
 * chunks loaded on first use. Load them before any timed run, so that the
 * warm-up and the runs render real banners, not Suspense fallbacks.
 */
async function loadLazyParts(connection: Connection) {
  const into = mountPoint();
  flushSync(() => into.root.render(bannersUi([connection], into.queryClient)));
  const deadline = performance.now() + 10_000;
  while (!into.container.querySelector('[data-slot="banner"]')) {
    if (performance.now() > deadline) throw new Error('the banner never rendered (its chunk did not load)');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await settle();
  unmount(into);
}

async function runRenderBench({ count, runs, warmups }: BenchOptions): Promise<BenchResult> {
  const connections = loginRequired(count);
  const texts = connections.map(bannerText);
  const result: BenchResult = {
    mount: { banner: [], div: [] },
    settled: { banner: [], div: [] },
    push: { banner: [], div: [] },
    warmup: { mount: { banner: [], div: [] }, push: { banner: [], div: [] } },
    bannersAtCommit: [],
    gcBetweenRuns: typeof window.gc === 'function',
    hostCalls: 0,
    sampleText: { banner: '', div: texts[0] ?? '' },
  };

  await loadLazyParts(connections[0]!);
  for (let run = 0; run < warmups + runs; run += 1) {
    const measured = run >= warmups;
    // Alternate which goes first, so that drift in the page does not favour one.
    const order = run % 2 === 0 ? (['div', 'banner'] as const) : (['banner', 'div'] as const);
    for (const kind of order) {
      const into = mountPoint();
      const timed = await timedMount(kind === 'banner' ? bannersUi(connections, into.queryClient) : divsUi(texts), into);
      if (kind === 'banner' && run === warmups) {
        result.sampleText.banner = into.container.querySelector('[data-slot="banner-message"]')?.textContent ?? '';
      }
      if (measured) {
        result.mount[kind].push(timed.mount);
        result.settled[kind].push(timed.settled);
        if (kind === 'banner') result.bannersAtCommit.push(timed.atCommit);
      } else {
        result.warmup.mount[kind].push(timed.mount);
      }
      unmount(into);
    }
  }

  // Pushes: one tree of each kind, a different connection each time.
  const banners = mountPoint();
  flushSync(() => banners.root.render(bannersUi(connections, banners.queryClient)));
  await settle();
  const hiders: Array<() => void> = [];
  const registers = texts.map((_, i) => (hide: () => void) => {
    hiders[i] = hide;
  });
  const divs = mountPoint();
  flushSync(() => divs.root.render(texts.map((text, i) => <PlainItem key={i} text={text} register={registers[i]!} />)));
  await settle();
  for (let run = 0; run < warmups + runs; run += 1) {
    const target = 100 + run * 50;
    const bannerMs = await untilDomChanges(banners.container, () => {
      applyStatusChange(banners.queryClient, { connectionId: `conn_${target}`, newStatus: 'ACTIVE', newStatusReason: null }, { broadcast: false });
    });
    const divMs = await untilDomChanges(divs.container, () => hiders[target]?.());
    await settle();
    const bucket = run >= warmups ? result.push : result.warmup.push;
    bucket.banner.push(bannerMs);
    bucket.div.push(divMs);
  }
  const remaining = banners.container.querySelectorAll('[data-slot="banner"]').length;
  if (remaining !== count - warmups - runs) throw new Error(`expected ${count - warmups - runs} banners after the pushes, found ${remaining}`);
  unmount(banners);
  unmount(divs);

  result.hostCalls = hostCalls;
  return result;
}

window.runRenderBench = runRenderBench;
