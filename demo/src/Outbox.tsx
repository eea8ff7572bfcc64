import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { OutboxClockChange, OutboxMessage, OutboxView } from '../types.js';

const HELD: Record<NonNullable<OutboxMessage['heldBy']>, string> = {
  'quiet-hours': 'held for quiet hours',
  cap: 'held by the cap',
  ladder: 'next step of the ladder',
};
const CHANNELS: Record<string, string> = { 'in-app': 'In-app', email: 'E-mail' };

async function call(path: string, body?: unknown): Promise<OutboxView> {
  const response = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => ({}))) as OutboxView & { message?: string };
  if (!response.ok) throw new Error(json.message ?? `${response.status}`);
  return json;
}

/** The message's text with its link as a link: the rest stays text (never markup). */
function TextWithLink({ text, link }: { text: string; link?: string | undefined }): ReactNode {
  if (!link || !text.includes(link)) return text;
  const [before, ...after] = text.split(link);
  return (
    <>
      {before}
      <a href={link} data-testid="outbox-link">
        {link}
      </a>
      {after.join(link)}
    </>
  );
}

function Preview({ message, onClose }: { message: OutboxMessage & { sentAt?: string }; onClose: () => void }) {
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from a button further down the list: the reader's focus follows it.
  useEffect(() => heading.current?.focus(), [message.id]);
  return (
    <section className="demo-mail" aria-labelledby={titleId} data-testid="outbox-preview">
      <h3 id={titleId} ref={heading} tabIndex={-1}>{message.channel === 'email' ? 'E-mail preview' : 'In-app message preview'}</h3>
      <dl className="demo-mail__headers">
        <dt>From</dt>
        <dd>Pebble &lt;alerts@pebble.example&gt;</dd>
        <dt>To</dt>
        <dd>{message.to}</dd>
        <dt>Subject</dt>
        <dd data-testid="outbox-subject">{message.subject}</dd>
        <dt>{message.sentAt ? 'Sent' : 'Send at'}</dt>
        <dd>{message.sentAt ?? message.sendAtLocal}</dd>
      </dl>
      <p className="demo-mail__body" lang={message.locale}>
        <TextWithLink text={message.text} link={message.link} />
      </p>
      <button type="button" data-emphasis="secondary" onClick={onClose}>
        Close preview
      </button>
    </section>
  );
}

function MessageRow({ message, onPreview }: { message: OutboxMessage & { sentAt?: string }; onPreview: () => void }) {
  return (
    <li className="demo-outbox__row" data-due={message.due || undefined} data-connection={message.connectionId} data-channel={message.channel}>
      <span>
        <strong>{message.customerName}</strong> · {CHANNELS[message.channel] ?? message.channel} · {message.institutionName}{' '}
        <span className="demo-muted">({message.kind}, step {message.step + 1})</span>
      </span>
      <span className="demo-outbox__when">
        {message.sentAt ? `sent ${message.sentAt.slice(0, 16).replace('T', ' ')} UTC` : message.due ? 'due now' : `${message.sendAtLocal}, ${HELD[message.heldBy ?? 'ladder']}`}
      </span>
      <button type="button" data-emphasis="secondary" onClick={onPreview} aria-label={`Preview: ${message.subject}`}>
        Preview
      </button>
    </li>
  );
}

/**
 * The back office's view of `planReconnectNotifications`: what the host's
 * scheduled job would send now, to whom, on which channel and when, with a
 * preview of each message and a clock to move. Demo tooling: a host app's
 * customers never see this.
 */
export function Outbox() {
  const [view, setView] = useState<OutboxView | undefined>(undefined);
  const [error, setError] = useState('');
  const [previewing, setPreviewing] = useState<(OutboxMessage & { sentAt?: string }) | undefined>(undefined);
  const [local, setLocal] = useState('');
  const [zone, setZone] = useState('Europe/London');

  const run = useCallback((request: Promise<OutboxView>) => {
    request.then(
      (next) => {
        setView(next);
        setError('');
      },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  }, []);
  useEffect(() => run(call('/api/demo/outbox')), [run]);
  const moveClock = (change: OutboxClockChange | { local: string; timeZone: string }) => {
    setPreviewing(undefined);
    run(call('/api/demo/outbox/clock', change));
  };
  const setTo = (event: FormEvent) => {
    event.preventDefault();
    if (local) moveClock({ local, timeZone: zone });
  };

  if (!view) return <p className="demo-muted">{error ? `The Outbox did not load: ${error}` : 'Planning…'}</p>;
  const due = view.planned.filter((m) => m.due);
  const later = view.planned.filter((m) => !m.due);
  const { policy } = view;

  return (
    <section className="demo-panel demo-outbox" aria-labelledby="outbox-title">
      <h2 id="outbox-title">Outbox</h2>
      <p className="demo-muted">
        The backend’s view, not the customer’s: what <code>planReconnectNotifications</code> plans for every customer right
        now. Ladder: {policy.escalation.map((s) => `${CHANNELS[s.channel] ?? s.channel} after ${s.afterDays} days`).join(', then ')}; at most{' '}
        {policy.cap.max} message per customer in {policy.cap.windowHours} hours; quiet from {policy.quietHours.start} to{' '}
        {policy.quietHours.end} in each customer’s zone. Links in the messages are signed, single use and for their customer only.
      </p>

      <div className="demo-outbox__clock" role="group" aria-labelledby="outbox-clock">
        <h3 id="outbox-clock">Clock</h3>
        <p>
          <output data-testid="outbox-now">{view.now.slice(0, 16).replace('T', ' ')} UTC</output>{' '}
          <span className="demo-muted">({view.clock === 'real' ? 'real time' : 'simulated'})</span>
        </p>
        <ul className="demo-outbox__zones">
          {view.customers.map((c) => (
            <li key={c.name}>
              {c.name}: {c.localTime} <span className="demo-muted">({c.timeZone})</span>
            </li>
          ))}
        </ul>
        <div className="demo-outbox__buttons">
          <button type="button" data-emphasis="secondary" onClick={() => moveClock({ advanceHours: 1 })}>
            +1 hour
          </button>
          <button type="button" data-emphasis="secondary" onClick={() => moveClock({ advanceHours: 24 })}>
            +1 day
          </button>
          <button type="button" data-emphasis="secondary" onClick={() => moveClock({ real: true })}>
            Real time
          </button>
        </div>
        <form onSubmit={setTo} className="demo-outbox__set">
          <label>
            Set to
            <input type="datetime-local" value={local} onChange={(event) => setLocal(event.target.value)} required />
          </label>
          <label>
            in
            <select aria-label="Time zone" value={zone} onChange={(event) => setZone(event.target.value)}>
              {view.customers.map((c) => (
                <option key={c.timeZone} value={c.timeZone}>
                  {c.timeZone} ({c.name})
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Set the clock</button>
        </form>
      </div>

      {previewing ? <Preview message={previewing} onClose={() => setPreviewing(undefined)} /> : null}

      <h3>Due now ({due.length})</h3>
      {due.length ? (
        <ul className="demo-outbox__list" data-testid="outbox-due">
          {due.map((m) => (
            <MessageRow key={m.id} message={m} onPreview={() => setPreviewing(m)} />
          ))}
        </ul>
      ) : (
        <p className="demo-muted">Nothing is due.</p>
      )}
      <button type="button" onClick={() => run(call('/api/demo/outbox/send', {}))} disabled={due.length === 0}>
        Send what is due
      </button>

      <h3>Later ({later.length})</h3>
      {later.length ? (
        <ul className="demo-outbox__list" data-testid="outbox-later">
          {later.map((m) => (
            <MessageRow key={m.id} message={m} onPreview={() => setPreviewing(m)} />
          ))}
        </ul>
      ) : (
        <p className="demo-muted">Nothing planned.</p>
      )}

      <h3>Sent ({view.sent.length})</h3>
      {view.sent.length ? (
        <ul className="demo-outbox__list" data-testid="outbox-sent">
          {view.sent.map((m) => (
            <MessageRow key={`${m.id}@${m.sentAt}`} message={m} onPreview={() => setPreviewing(m)} />
          ))}
        </ul>
      ) : (
        <p className="demo-muted">Nothing sent yet.</p>
      )}

      <p role="status" className="demo-muted">
        {error}
      </p>
    </section>
  );
}
