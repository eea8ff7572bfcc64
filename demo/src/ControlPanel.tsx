import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { reconnectKitKeys, type Connection } from 'meld-reconnect-kit';
import type { DemoConfig } from './config.js';
import { createSimControl, type WidgetBehaviour } from './simControl.js';

/** What can happen at the bank, as Meld reports it (status, reason). */
const CHANGES: ReadonlyArray<{ label: string; status: string; reason: string | null; message?: string }> = [
  { label: 'Password changed (RECONNECT_REQUIRED · LOGIN_REQUIRED)', status: 'RECONNECT_REQUIRED', reason: 'LOGIN_REQUIRED' },
  { label: 'Provider token expired (RECONNECT_REQUIRED · TOKEN_EXPIRED)', status: 'RECONNECT_REQUIRED', reason: 'TOKEN_EXPIRED' },
  { label: 'Access expiring soon (ACTIVE · ACCESS_EXPIRING_SOON)', status: 'ACTIVE', reason: 'ACCESS_EXPIRING_SOON' },
  { label: 'New accounts at the bank (ACTIVE · NEW_ACCOUNTS_AVAILABLE)', status: 'ACTIVE', reason: 'NEW_ACCOUNTS_AVAILABLE' },
  {
    label: 'Bank needs an action (DEGRADED · INSTITUTION_ACTION_REQUIRED)',
    status: 'DEGRADED',
    reason: 'INSTITUTION_ACTION_REQUIRED',
    message: 'Sign in to your bank’s website and accept the updated data-sharing terms.',
  },
  { label: 'Some data missing (PARTIALLY_ACTIVE · PARTIAL_AGGREGATION_SUCCESS)', status: 'PARTIALLY_ACTIVE', reason: 'PARTIAL_AGGREGATION_SUCCESS' },
  { label: 'Bank briefly down (DEGRADED · INSTITUTION_CURRENTLY_UNAVAILABLE)', status: 'DEGRADED', reason: 'INSTITUTION_CURRENTLY_UNAVAILABLE' },
  { label: 'Bank repairing its side (RECONNECT_REQUIRED · REPAIRING_INSTITUTION)', status: 'RECONNECT_REQUIRED', reason: 'REPAIRING_INSTITUTION' },
  { label: 'Keeps failing (UNRECOVERABLE · CONTINUED_AGGREGATION_FAILURES)', status: 'UNRECOVERABLE', reason: 'CONTINUED_AGGREGATION_FAILURES' },
  { label: 'Bank no longer supported (UNRECOVERABLE · INSTITUTION_DISABLED)', status: 'UNRECOVERABLE', reason: 'INSTITUTION_DISABLED' },
  { label: 'Expired (EXPIRED)', status: 'EXPIRED', reason: null },
  { label: 'Healthy again (ACTIVE)', status: 'ACTIVE', reason: null },
];

const BEHAVIOURS: ReadonlyArray<{ value: WidgetBehaviour; label: string }> = [
  { value: 'ok', label: 'Signs in fine' },
  { value: 'wrong-password', label: 'Wrong password' },
  { value: 'provider-failure', label: 'Provider fails afterwards (still broken)' },
  { value: 'slow-webhook', label: 'Signs in, webhook 3 s late' },
  { value: 'never-answers', label: 'Never answers' },
];

/**
 * Plays Meld for the demo: change a connection's status (the simulator sends
 * the signed webhook, the backend pushes it, the card changes with no
 * reload), script the widget's next sign-in, fail the next repair with 409.
 */
export function ControlPanel({ config, connections }: { config: DemoConfig; connections: readonly Connection[] }) {
  const sim = useMemo(() => createSimControl(config.simulator.apiUrl), [config.simulator.apiUrl]);
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [change, setChange] = useState(0);
  const [behaviour, setBehaviour] = useState<WidgetBehaviour>('wrong-password');
  const [result, setResult] = useState('');
  // Default: the healthy bank, to break it and watch the prompt appear.
  const connectionId = chosen ?? connections.find((c) => c.status === 'ACTIVE' && !c.statusReason)?.id ?? connections[0]?.id ?? '';
  const name = connections.find((c) => c.id === connectionId)?.institutionName ?? connectionId;

  const run = (action: () => Promise<string>, needsConnection = true) => (event?: FormEvent) => {
    event?.preventDefault();
    if (needsConnection && !connectionId) return;
    setResult('…');
    action().then(setResult, (error: unknown) => setResult(`Failed: ${error instanceof Error ? error.message : String(error)}`));
  };

  const sendChange = run(async () => {
    const picked = CHANGES[change] ?? CHANGES[0]!;
    const { webhook } = await sim.setStatus(connectionId, picked.status, picked.reason, picked.message);
    return webhook.state === 'delivered'
      ? `${name}: webhook delivered (${webhook.status}, ${Math.round(webhook.ms ?? 0)} ms) and pushed to this page.`
      : `${name}: webhook ${webhook.state}${webhook.error ? ` (${webhook.error})` : ''}.`;
  });
  const scriptWidget = run(async () => {
    await sim.scriptWidget(connectionId, behaviour);
    return `${name}: the next sign-in will be “${BEHAVIOURS.find((b) => b.value === behaviour)?.label}”.`;
  });
  const failRepair = run(async () => {
    await sim.failNextRepair(connectionId);
    return `${name}: the next repair answers 409 (start a new connection instead).`;
  });
  const reset = run(async () => {
    const response = await fetch('/api/demo/reset', { method: 'POST' });
    if (!response.ok) throw new Error(`${response.status}`);
    await queryClient.resetQueries({ queryKey: reconnectKitKeys.all });
    return 'Back to the start: every connection as it was.';
  }, false);

  return (
    <aside className="demo-controls" aria-labelledby="controls-title">
      <h2 id="controls-title">Simulator controls</h2>
      <p>
        Plays Meld for this demo. A change here reaches the page as it would in production: a signed webhook to the demo
        backend, then the live stream. No reload.
      </p>
      <label>
        Connection
        <select value={connectionId} onChange={(event) => setChosen(event.target.value)}>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.institutionName ?? c.id}
            </option>
          ))}
        </select>
      </label>
      <form onSubmit={sendChange}>
        <label>
          At the bank
          <select value={change} onChange={(event) => setChange(Number(event.target.value))}>
            {CHANGES.map((c, index) => (
              <option key={c.label} value={index}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Send webhook</button>
      </form>
      <form onSubmit={scriptWidget}>
        <label>
          Next sign-in in the widget
          <select value={behaviour} onChange={(event) => setBehaviour(event.target.value as WidgetBehaviour)}>
            {BEHAVIOURS.map((b) => (
              <option key={b.value} value={b.value}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Script the widget</button>
      </form>
      <form onSubmit={failRepair}>
        <button type="submit" data-emphasis="secondary">
          Next repair answers 409
        </button>
      </form>
      <p role="status" className="demo-controls__result">
        {result}
      </p>
      <form onSubmit={reset}>
        <button type="submit" data-emphasis="secondary">
          Reset the demo
        </button>
      </form>
      <p>
        <a href={config.simulator.controlUrl} target="_blank" rel="noreferrer">
          Open the simulator’s own control page
        </a>{' '}
        for requests, webhooks and every status.
      </p>
    </aside>
  );
}
