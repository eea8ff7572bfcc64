/**
 * The simulator's control API (`${simulator.url}/__sim/...`, CORS open), which
 * the control panel calls straight from the page. Demo tooling: a host app
 * never has this; in production, Meld is the one changing statuses.
 */
export type WidgetBehaviour = 'ok' | 'wrong-password' | 'provider-failure' | 'slow-webhook' | 'never-answers';

export interface WebhookResult {
  state: string;
  status?: number | undefined;
  ms?: number | undefined;
  error?: string | undefined;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new Error(json.message ?? `${response.status}`);
  return json;
}

export function createSimControl(apiUrl: string) {
  const connection = (id: string, action: string) => `${apiUrl}/connections/${encodeURIComponent(id)}/${action}`;
  return {
    /** Meld's side changes, and its signed STATUS_CHANGE webhook goes to the demo backend. */
    setStatus: (id: string, status: string, statusReason: string | null, institutionMessage?: string) =>
      post<{ webhook: WebhookResult }>(connection(id, 'status'), { status, statusReason, ...(institutionMessage ? { institutionMessage } : {}) }),
    /** What the widget's "Sign in" does next time for this connection. */
    scriptWidget: (id: string, behaviour: WidgetBehaviour) => post(connection(id, 'widget'), { behaviour }),
    failNextRefresh: (id: string, status: 429 | 409 | 500) => post(connection(id, 'fail-next-refresh'), { status }),
    /** The next repair of this connection answers 409, as Meld does for EXPIRED, DELETED or IN_PROGRESS. */
    failNextRepair: (id: string) => post(`${apiUrl}/fail-next`, { operation: 'repair', status: 409, connectionId: id }),
  };
}
