// The page scripts/bench/render.mjs builds (Vite, production mode) and drives
// in Chromium. Everything is timed here, in the page, with performance.now():
// mounting 1,000 ReconnectBanners vs 1,000 plain <div role="status"> with the
// same text, and one pushed status change among the 1,000. The banners get
// connections in Meld's full shape, `successfullyAggregatedAt` included (a
// reconnect prompt then also says "Last updated {date}."; the divs carry the
// prompt's message only, as the baseline always has).
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
  /** The first banner's "Last updated ..." line (from `successfullyAggregatedAt`), '' if it shows none. */
  lastUpdatedText: string;
  /** One of the connections the banners were given, to show their shape. */
  sampleConnection: Connection;
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

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A Meld-style id (22 base58 characters, like "WQ4KqLuBYYTYHi2YATXYdB"), the same for the same inputs. */
function meldId(prefix: string, n: number): string {
  let x = Math.imul(n + 1, 0x9e3779b1) ^ Math.imul(prefix.charCodeAt(0), 0x85ebca6b);
  let id = prefix;
  while (id.length < 22) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    id += BASE58[(x >>> 0) % BASE58.length];
  }
  return id;
}

const connectionId = (i: number) => meldId('WQ', i);

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-11-21T09:30:00.000Z');
const PRODUCTS = [['BALANCES', 'TRANSACTIONS'], ['BALANCES', 'IDENTIFIERS', 'TRANSACTIONS'], ['INVESTMENT_HOLDINGS', 'INVESTMENT_TRANSACTIONS']] as const;
const PROVIDERS = ['PLAID', 'MX', 'FINICITY', 'AKOYA'] as const;

/**
 * Connections in Meld's full shape (the kit's `Connection` type and the
 * `Connection` schema of Meld's Bank Linking OpenAPI, 2026-02-03): every field
 * filled as a GET /bank-linking/connections page carries it, including
 * `successfullyAggregatedAt` (so reconnect prompts show "Last updated ...") and
 * provider details like those of Meld's STATUS_CHANGE webhook sample
 * (meldeng/docs, webhook-events-bank-linking.mdx). Each needs a reconnect
 * (RECONNECT_REQUIRED + LOGIN_REQUIRED); dates, products and banks differ.
 */
function loginRequired(count: number): Connection[] {
  return Array.from({ length: count }, (_, i) => {
    const createdAt = NOW - (30 + (i % 400)) * DAY_MS - i * 61_000;
    const provider = PROVIDERS[i % PROVIDERS.length]!;
    const providerConnectionId = meldId('NX', i) + meldId('pL', i).slice(2, 15);
    const connection: Connection = {
      id: connectionId(i),
      key: meldId('k', i),
      accountId: 'W9ju7atKP5Jaf5RPweGeis',
      customerId: meldId('WC', i % 250),
      externalCustomerId: `customer-${String(i % 250).padStart(5, '0')}`,
      institutionId: meldId('W4', i % 120),
      institutionName: `Bank ${i}`,
      status: 'RECONNECT_REQUIRED',
      statusReason: 'LOGIN_REQUIRED',
      products: [...PRODUCTS[i % PRODUCTS.length]!],
      optionalProducts: i % 3 === 0 ? ['OWNERS'] : [],
      regions: ['US'],
      serviceProviderDetails: {
        environment: 'production',
        serviceProvider: provider,
        serviceProviderConnectionId: providerConnectionId,
        error: { error_type: 'ITEM_ERROR', error_code: 'ITEM_LOGIN_REQUIRED', status: 400, display_message: null },
      },
      createdAt: new Date(createdAt).toISOString(),
      successfullyAggregatedAt: new Date(NOW - (1 + (i % 14)) * DAY_MS - (i % 1440) * 60_000 - (i % 1000)).toISOString(),
      duplicateConnectionIds: i % 50 === 7 ? [meldId('WQ', count + i)] : null,
      activeDuplicateConnectionId: i % 50 === 7 ? connectionId(i) : null,
    };
    return connection;
  });
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
  if (new Set(connections.map((c) => c.id)).size !== count) throw new Error('the generated connection ids are not unique');
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
    lastUpdatedText: '',
    sampleConnection: connections[0]!,
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
        result.lastUpdatedText = into.container.querySelector('[data-slot="banner-updated"]')?.textContent ?? '';
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
      applyStatusChange(banners.queryClient, { connectionId: connectionId(target), newStatus: 'ACTIVE', newStatusReason: null }, { broadcast: false });
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
