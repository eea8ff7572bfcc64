import type { DemoSession } from '../types.js';

/**
 * The demo's sign-in, a stand-in for the host's own: a cookie naming the
 * customer, set by the demo backend. After a change the page reloads with the
 * same address, as a host's sign-in redirects back to where the customer was
 * going (a repair link's `?meld_repair=` included).
 */
export async function loadSession(): Promise<DemoSession> {
  const response = await fetch('/api/demo/session', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /api/demo/session answered ${response.status}`);
  return (await response.json()) as DemoSession;
}

export async function switchSession(customer: 'alex' | 'sam' | null): Promise<void> {
  const response = await fetch('/api/demo/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customer }) });
  if (!response.ok) throw new Error(`POST /api/demo/session answered ${response.status}`);
  window.location.reload();
}
