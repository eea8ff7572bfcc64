// Browser-side handle on the loopback host started by fakeHostServer.ts.
import { inject } from 'vitest';
import { KIT_HOST_PATH, RELAY_PATH } from './kitPaths.js';

export { KIT_HOST_PATH };

export const HOST = inject('fakeHostUrl');
/** Another origin, for the attacker's pages (see fakeHostServer.ts). */
export const ATTACKER = inject('attackerUrl');
/** The kit's widget relay page, served on the test page's origin (see kitPages.ts). */
export const RELAY_URL = RELAY_PATH;
export const BASE_URL = `${HOST}/api`;
/** The fake host's `host:port`, to allow its widget page (plain http) in tests. */
export const HOST_PORT = new URL(HOST).host;

export function widgetUrl(query: Record<string, string> = {}): string {
  return `${HOST}/widget?${new URLSearchParams({ connectionId: 'c1', ...query })}`;
}

export async function resetHost(connections: Array<Record<string, unknown>> = []): Promise<void> {
  await fetch(`${HOST}/__control/reset`, { method: 'POST', body: JSON.stringify(connections) });
}

export async function emit(payload: Record<string, unknown>): Promise<{ delivered: number }> {
  const res = await fetch(`${HOST}/__control/emit`, { method: 'POST', body: JSON.stringify(payload) });
  return res.json();
}

export async function hostState(): Promise<{ counts: Record<string, number>; openStreams: number; lastEventIds: string[]; log: string[] }> {
  return (await fetch(`${HOST}/__control/state`)).json();
}

export async function control(action: 'fail-streams' | 'drop-streams', query = ''): Promise<void> {
  await fetch(`${HOST}/__control/${action}${query}`, { method: 'POST' });
}

/** Issues repair links (token -> connection id) the host redeems once each, until the next reset. */
export async function issueRepairLinks(links: Record<string, string>): Promise<void> {
  await fetch(`${HOST}/__control/repair-links`, { method: 'POST', body: JSON.stringify(links) });
}

/** Holds the host's answers to one route (e.g. `POST /connections/c1/repair`) until {@link release}. */
export async function hold(route: string): Promise<void> {
  await fetch(`${HOST}/__control/hold?${new URLSearchParams({ route })}`, { method: 'POST' });
}

/** Answers the held requests of one route (or of every route) and stops holding it. */
export async function release(route?: string): Promise<void> {
  const query = route === undefined ? '' : `?${new URLSearchParams({ route })}`;
  await fetch(`${HOST}/__control/release${query}`, { method: 'POST' });
}

export function connection(id: string, status = 'ACTIVE', statusReason: string | null = null) {
  return { id, status, statusReason, institutionName: 'First Test Bank', externalCustomerId: 'ext_1' };
}

/** What the attacker's pages reported (see fakeHostServer.ts). */
export async function attackReports(): Promise<Array<{ page: string; via?: string; results?: Record<string, string> }>> {
  return (await fetch(`${HOST}/__control/reports`)).json();
}
