/**
 * Model-based test of the repair-link landing: random sequences of addresses
 * (a router's navigation, a link in a new address before the landing mounts),
 * mounts, unmounts and remounts (with StrictMode or without), the host's
 * answers (held until released, so things happen while a link is redeeming:
 * failures, going offline, a status pushed by a webhook), and "Try again",
 * driven through the real component over MSW, compared after every step with a
 * small model of what the customer should see and of what reached the host.
 */
import { act, cleanup, fireEvent, render, waitFor, within } from '@testing-library/react';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ReconnectKitProvider, RepairLinkLanding, applyStatusChange } from '../../src/index.js';
import { hostApiHandlers, type HostApiHandlers } from '../../src/testing/msw/index.js';
import { aConnection } from '../helpers/connections.js';
import { BASE, server } from '../helpers/hostServer.js';
import { newQueryClient } from '../helpers/renderWithKit.js';

const NUM_RUNS = Number(process.env.LANDING_MODEL_RUNS ?? 40);
const CONNECTIONS = ['conn_a', 'conn_b'] as const;
type ConnectionId = (typeof CONNECTIONS)[number];
type Mode = 'ok' | 429 | 500 | 'offline';
type Phase = 'redeeming' | 'ready' | 'invalid' | 'error';

/** The links of one run: two for each connection, one the host never issued, one of a shape it never issues. */
interface Link {
  token: string;
  connectionId: ConnectionId | undefined;
  malformed: boolean;
}

// ---------------------------------------------------------------- model

interface Model {
  /** The query parameter of this run: each run is a page of its own (the kit keeps one landing per parameter). */
  param: string;
  links: readonly Link[];
  /** Healthy (ACTIVE) or broken (RECONNECT_REQUIRED), as the host backend has it now. */
  healthy: Record<ConnectionId, boolean>;
  /** The host's answer to the next redemption. */
  mode: Mode;
  /** Links the host has used up. */
  used: Set<string>;
  /** What the host will answer each held redemption (decided when it arrived). */
  inFlight: Array<{ token: string; answer: Phase }>;
  /** Each link this page has landed, by token. */
  phases: Map<string, Phase>;
  /** The link in the address bar, not taken yet. */
  address: string | undefined;
  /** The landing shown. */
  current: string | undefined;
  mounted: boolean;
  requests: number;
}

function linkOf(m: Model, token: string): Link {
  const link = m.links.find((l) => l.token === token);
  if (!link) throw new Error(`no link ${token}`);
  return link;
}

/** The host's answer, decided as the request arrives. */
function answerOf(m: Model, token: string): Phase {
  if (m.mode === 'offline') return 'error';
  const link = linkOf(m, token);
  if (link.connectionId === undefined || m.used.has(token)) return 'invalid';
  if (m.mode !== 'ok') return 'error';
  m.used.add(token);
  return 'ready';
}

function redeem(m: Model, token: string): void {
  m.phases.set(token, 'redeeming');
  m.requests += 1;
  m.inFlight.push({ token, answer: answerOf(m, token) });
}

/** A mounted landing takes the link in the address. */
function take(m: Model): void {
  const token = m.address;
  if (!m.mounted || token === undefined) return;
  m.address = undefined;
  m.current = token;
  if (m.phases.has(token)) return;
  if (linkOf(m, token).malformed) m.phases.set(token, 'invalid');
  else redeem(m, token);
}

// ---------------------------------------------------------------- the real page

interface Real {
  host: HostApiHandlers;
  queryClient: ReturnType<typeof newQueryClient>;
  strict: boolean;
  mode: Mode;
  held: Array<() => void>;
  arrived: number;
  key: number;
  view: ReturnType<typeof render> | undefined;
  page: () => ReactNode;
}

function landing(): HTMLElement | null {
  return document.querySelector<HTMLElement>('[data-slot="repair-landing"]');
}

async function check(m: Model, r: Real): Promise<void> {
  await waitFor(
    () => {
      expect(r.arrived).toBe(m.requests);
      const shown = m.mounted ? m.current : undefined;
      const phase = shown === undefined ? undefined : m.phases.get(shown);
      const region = landing();
      if (phase === undefined) return expect(region).toBeNull();
      expect(region).toHaveAttribute('data-state', phase);
      const buttons = within(region as HTMLElement).queryAllByRole('button').map((b) => b.textContent);
      if (phase === 'error') return expect(buttons).toEqual(['Try again']);
      if (phase !== 'ready') return expect(buttons).toEqual([]);
      const connectionId = linkOf(m, shown as string).connectionId as ConnectionId;
      if (m.healthy[connectionId]) {
        expect(region?.querySelector('[data-slot="repair-landing-connected"]')).not.toBeNull();
        expect(buttons).toEqual([]);
      } else {
        expect(region?.querySelector('[data-slot="repair-landing-prompt"]')).toHaveAttribute('data-state', 'reconnect');
        expect(buttons).toEqual(['Reconnect']);
      }
    },
    { timeout: 3_000 },
  );
  if (m.mounted) expect(new URLSearchParams(window.location.search).has(m.param)).toBe(false);
  // The host never used a link up twice: each redemption it answered 200 was a first.
  const redeemed = r.host.requests().filter((q) => q.route === 'redeem' && q.status === 200);
  expect(new Set(redeemed.map((q) => (q.body as { token: string }).token)).size).toBe(redeemed.length);
}

/** One render pass of the page as it is now. */
function paint(r: Real): void {
  if (r.view) r.view.rerender(r.page());
  else r.view = render(r.page());
}

// ---------------------------------------------------------------- commands

type Command = fc.AsyncCommand<Model, Real>;

class Navigate implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const link = m.links[this.index % m.links.length] as Link;
    m.address = link.token;
    take(m);
    await act(async () => {
      window.history.pushState({ page: this.index }, '', `/accounts?tab=${this.index}&${m.param}=${encodeURIComponent(link.token)}#list`);
      paint(r);
    });
    await check(m, r);
  }
  toString = () => `Navigate(${this.index})`;
}

class Mount implements Command {
  check = (m: Readonly<Model>) => !m.mounted;
  async run(m: Model, r: Real) {
    m.mounted = true;
    take(m);
    r.key += 1;
    await act(async () => paint(r));
    await check(m, r);
  }
  toString = () => 'Mount';
}

class Unmount implements Command {
  check = (m: Readonly<Model>) => m.mounted;
  async run(m: Model, r: Real) {
    m.mounted = false;
    // Once nothing shows it for a moment, a settled landing is over; one still redeeming stays.
    if (m.current !== undefined && m.phases.get(m.current) !== 'redeeming') m.current = undefined;
    await act(async () => {
      paint(r);
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    await check(m, r);
  }
  toString = () => 'Unmount';
}

class Remount implements Command {
  check = (m: Readonly<Model>) => m.mounted;
  async run(m: Model, r: Real) {
    r.key += 1;
    await act(async () => paint(r));
    await check(m, r);
  }
  toString = () => 'Remount';
}

class SetMode implements Command {
  constructor(readonly mode: Mode) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.mode = this.mode;
    r.mode = this.mode;
    r.host.scriptRedeem(this.mode === 'ok' || this.mode === 'offline' ? undefined : this.mode);
    await check(m, r);
  }
  toString = () => `SetMode(${this.mode})`;
}

class Push implements Command {
  constructor(readonly connection: ConnectionId) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.healthy[this.connection] = !m.healthy[this.connection];
    const [status, reason] = m.healthy[this.connection] ? ['ACTIVE', null] : ['RECONNECT_REQUIRED', 'LOGIN_REQUIRED'];
    // Meld's webhook reaches the backend, which pushes the change to the page.
    r.host.setStatus(this.connection, status as string, reason);
    await act(async () => {
      applyStatusChange(r.queryClient, { connectionId: this.connection, newStatus: status as string, newStatusReason: reason });
    });
    await check(m, r);
  }
  toString = () => `Push(${this.connection})`;
}

class Release implements Command {
  check = (m: Readonly<Model>) => m.inFlight.length > 0;
  async run(m: Model, r: Real) {
    for (const { token, answer } of m.inFlight) m.phases.set(token, answer);
    m.inFlight = [];
    await act(async () => {
      for (const resume of r.held.splice(0)) resume();
    });
    await check(m, r);
  }
  toString = () => 'Release';
}

class Retry implements Command {
  check = (m: Readonly<Model>) => m.mounted && m.current !== undefined && m.phases.get(m.current) === 'error';
  async run(m: Model, r: Real) {
    redeem(m, m.current as string);
    const region = landing() as HTMLElement;
    await act(async () => {
      fireEvent.click(within(region).getByRole('button', { name: 'Try again' }));
    });
    await check(m, r);
  }
  toString = () => 'Retry';
}

const commands = [
  fc.nat({ max: 5 }).map((i) => new Navigate(i)),
  fc.constant(new Mount()),
  fc.constant(new Unmount()),
  fc.constant(new Remount()),
  fc.constantFrom<Mode>('ok', 'ok', 429, 500, 'offline').map((mode) => new SetMode(mode)),
  fc.constantFrom(...CONNECTIONS).map((c) => new Push(c)),
  fc.constant(new Release()),
  fc.constant(new Release()),
  fc.constant(new Retry()),
];

// ---------------------------------------------------------------- the run

let run = 0;

afterEach(async () => {
  cleanup();
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
  window.history.replaceState(null, '', '/');
});

describe('RepairLinkLanding, model-based (fast-check commands)', () => {
  it('should show what the model says and redeem each link at most once, whatever the sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 16 }), fc.boolean(), async (cmds, strict) => {
        run += 1;
        const param = `repair_${run}`;
        const links: Link[] = [
          ...CONNECTIONS.flatMap((connectionId, i) => [0, 1].map((n) => ({ token: `run${run}_${i}${n}_${'x'.repeat(20)}`, connectionId, malformed: false }))),
          { token: `run${run}_unknown`, connectionId: undefined, malformed: false },
          { token: `run${run}.not/base64url`, connectionId: undefined, malformed: true },
        ];
        const host = hostApiHandlers({
          baseUrl: BASE,
          events: false,
          connections: [
            aConnection({ id: 'conn_a', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }),
            aConnection({ id: 'conn_b', status: 'ACTIVE', statusReason: null }),
          ],
          repairLinks: Object.fromEntries(links.filter((l) => l.connectionId && !l.malformed).map((l) => [l.token, l.connectionId as string])),
        });
        const queryClient = newQueryClient();
        const real: Real = { host, queryClient, strict, mode: 'ok', held: [], arrived: 0, key: 0, view: undefined, page: () => null };
        let mounted = false;
        real.page = () => {
          const kit = (
            <ReconnectKitProvider baseUrl={BASE} queryClient={queryClient} broadcastChannel={false} dismissStorage={null} onStartNewConnection={() => {}}>
              {mounted ? <RepairLinkLanding key={real.key} param={param} /> : null}
            </ReconnectKitProvider>
          );
          return strict ? <StrictMode>{kit}</StrictMode> : kit;
        };
        server.use(
          // First, so it answers the redemptions: decided as each arrives (the link is used up then),
          // answered when the test releases it.
          http.post(`${BASE}/repair-links/redeem`, async ({ request }) => {
            const answer = real.mode === 'offline' ? undefined : await host.handle(request);
            real.arrived += 1;
            await new Promise<void>((resume) => real.held.push(resume));
            return answer ?? HttpResponse.error();
          }),
          ...host.handlers,
        );
        const model: Model = {
          param,
          links,
          healthy: { conn_a: false, conn_b: true },
          mode: 'ok',
          used: new Set(),
          inFlight: [],
          phases: new Map(),
          address: undefined,
          current: undefined,
          mounted: false,
          requests: 0,
        };
        // The page's mount state follows the model's: the commands flip it before painting.
        const tracked = new Proxy(model, {
          set(target, property, value) {
            if (property === 'mounted') mounted = value as boolean;
            return Reflect.set(target, property, value);
          },
        });
        try {
          sessionStorage.clear();
          window.history.replaceState(null, '', '/accounts');
          await act(async () => paint(real));
          await fc.asyncModelRun(() => ({ model: tracked, real }), cmds);
        } finally {
          for (const resume of real.held.splice(0)) resume();
          real.view?.unmount();
          await act(async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
          });
          server.resetHandlers();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 240_000);
});
