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
  /** The banner's own markup (same elements, attributes and text) as static JSX: what the DOM alone costs. */
  markup: number[];
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

/** The DOM a reconnect banner renders, written out by hand (checked against a real banner's HTML). */
function markupUi(texts: string[], updated: string[]): ReactNode {
  return texts.map((text, i) => (
    <div key={i} role="status" data-state="reconnect" data-severity="critical" data-slot="banner" className="mrk-banner">
      <span data-slot="banner-icon" data-icon="critical" aria-hidden="true" className="mrk-banner__icon">
        <svg viewBox="0 0 20 20" width="20" height="20" focusable="false">
          <path d="M10 3l8 14H2L10 3zm0 5v4m0 2v1" fill="none" stroke="currentColor" strokeWidth="1.8" />
        </svg>
      </span>
      <div data-slot="banner-body" className="mrk-banner__body">
        <p data-slot="banner-message" className="mrk-banner__message">
          {text}
        </p>
        <p data-slot="banner-updated" className="mrk-banner__updated">
          {updated[i]}
        </p>
      </div>
      <div data-slot="banner-actions" className="mrk-banner__actions">
        <button type="button" data-action="reconnect" data-emphasis="primary" data-slot="banner-action" className="mrk-banner__action">
          Reconnect
        </button>
      </div>
      <button type="button" data-slot="banner-dismiss" aria-label="Dismiss" className="mrk-banner__dismiss">
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
          <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="2" />
        </svg>
      </button>
    </div>
  ));
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

/** Each banner's "Last updated" line, as a real banner writes it. */
async function bannerUpdatedTexts(connections: Connection[]): Promise<string[]> {
  const into = mountPoint();
  flushSync(() => into.root.render(bannersUi(connections, into.queryClient)));
  await settle();
  const lines = [...into.container.querySelectorAll('[data-slot="banner-updated"]')].map((p) => p.textContent ?? '');
  unmount(into);
  if (lines.length !== connections.length) throw new Error(`expected ${connections.length} "Last updated" lines, found ${lines.length}`);
  return lines;
}

/** The hand-written markup must be the banner's HTML, or the comparison would mean nothing. */
async function checkMarkup(connections: Connection[], texts: string[], updated: string[]) {
  const real = mountPoint();
  flushSync(() => real.root.render(bannersUi(connections.slice(0, 1), real.queryClient)));
  await settle();
  const copy = mountPoint();
  flushSync(() => copy.root.render(markupUi(texts.slice(0, 1), updated)));
  const a = real.container.innerHTML;
  const b = copy.container.innerHTML;
  unmount(real);
  unmount(copy);
  if (a !== b) throw new Error(`the static markup differs from a banner's:\n${a}\n${b}`);
}

async function runRenderBench({ count, runs, warmups }: BenchOptions): Promise<BenchResult> {
  const connections = loginRequired(count);
  if (new Set(connections.map((c) => c.id)).size !== count) throw new Error('the generated connection ids are not unique');
  const texts = connections.map(bannerText);
  const result: BenchResult = {
    mount: { banner: [], div: [], markup: [] },
    settled: { banner: [], div: [], markup: [] },
    push: { banner: [], div: [], markup: [] },
    warmup: { mount: { banner: [], div: [], markup: [] }, push: { banner: [], div: [], markup: [] } },
    bannersAtCommit: [],
    gcBetweenRuns: typeof window.gc === 'function',
    hostCalls: 0,
    sampleText: { banner: '', div: texts[0] ?? '' },
    lastUpdatedText: '',
    sampleConnection: connections[0]!,
  };

  await loadLazyParts(connections[0]!);
  const updated = await bannerUpdatedTexts(connections);
  await checkMarkup(connections, texts, updated);
  for (let run = 0; run < warmups + runs; run += 1) {
    const measured = run >= warmups;
    // Rotate which goes first, so that drift in the page does not favour one.
    const kinds = ['div', 'banner', 'markup'] as const;
    const order = [0, 1, 2].map((k) => kinds[(k + run) % 3]!);
    for (const kind of order) {
      const into = mountPoint();
      const ui = kind === 'banner' ? bannersUi(connections, into.queryClient) : kind === 'markup' ? markupUi(texts, updated) : divsUi(texts);
      const timed = await timedMount(ui, into);
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
