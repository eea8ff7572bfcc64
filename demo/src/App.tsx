import { QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import {
  ConnectionHealthList,
  ReconnectKitProvider,
  RepairLinkLanding,
  connectionsNeedingAttention,
  useConnectionEvents,
  useConnections,
  type Connection,
  type WidgetMode,
} from 'meld-reconnect-kit';
import type { DemoCustomerInfo } from '../types.js';
import type { DemoConfig } from './config.js';
import { ControlPanel } from './ControlPanel.js';
import { Dashboard } from './Dashboard.js';
import { Outbox } from './Outbox.js';
import { useUrlSetting } from './preferences.js';
import { switchSession } from './session.js';
import { useNewConnection, type NewConnectionState } from './useNewConnection.js';

const THEMES = ['light', 'dark'] as const;
const MODES = ['dialog', 'popup'] as const satisfies readonly WidgetMode[];
const TABS = ['accounts', 'attention', 'outbox'] as const;

export function App({ config, customer }: { config: DemoConfig; customer: DemoCustomerInfo }) {
  const [theme, setTheme] = useUrlSetting('theme', THEMES, 'light');
  const [mode, setMode] = useUrlSetting('widget', MODES, 'dialog');
  const [queryClient] = useState(() => new QueryClient());
  const widget = useMemo(() => ({ mode, allowedHosts: config.widgetHosts }), [mode, config.widgetHosts]);
  // The flow that starts a new connection lives inside the provider (it uses the kit's hooks);
  // the provider's callback reaches it through this ref.
  const startNewRef = useRef<((connection: Connection) => void) | undefined>(undefined);
  const onStartNewConnection = useCallback((connection: Connection) => startNewRef.current?.(connection), []);

  // On <html>, so the widget dialog (appended to <body>) wears the brand too.
  useEffect(() => {
    document.documentElement.setAttribute('data-mrk-theme', theme);
  }, [theme]);

  return (
    <ReconnectKitProvider queryClient={queryClient} baseUrl="/api/meld" widget={widget} onStartNewConnection={onStartNewConnection}>
      <Page startNewRef={startNewRef} config={config} customer={customer} theme={theme} setTheme={setTheme} mode={mode} setMode={setMode} />
    </ReconnectKitProvider>
  );
}

interface PageProps {
  startNewRef: RefObject<((connection: Connection) => void) | undefined>;
  config: DemoConfig;
  customer: DemoCustomerInfo;
  theme: (typeof THEMES)[number];
  setTheme: (theme: (typeof THEMES)[number]) => void;
  mode: (typeof MODES)[number];
  setMode: (mode: (typeof MODES)[number]) => void;
}

function Page({ startNewRef, config, customer, theme, setTheme, mode, setMode }: PageProps) {
  // One live stream for the page: pushed status changes update every card, no polling.
  const { state: live } = useConnectionEvents();
  const { data } = useConnections();
  const attention = connectionsNeedingAttention(data ?? []).length;
  const [tab, setTab] = useUrlSetting('tab', TABS, 'accounts');
  const newConnection = useNewConnection({ mode, allowedHosts: config.widgetHosts });
  useEffect(() => {
    startNewRef.current = newConnection.start;
    return () => {
      startNewRef.current = undefined;
    };
  }, [startNewRef, newConnection.start]);

  return (
    <div className="demo">
      <header className="demo-header">
        <div className="demo-brand">
          <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
            <ellipse cx="16" cy="17" rx="13" ry="10" fill="currentColor" />
          </svg>
          <span>Pebble</span>
        </div>
        <p className="demo-session" title="The demo's session is a cookie naming the customer; the backend's authorize() reads it.">
          Signed in as <strong>{customer.name}</strong>{' '}
          <button type="button" className="demo-link" onClick={() => void switchSession(null)}>
            Sign out
          </button>
        </p>
        <div className="demo-header__tools">
          <span className="demo-live" data-live={live} role="status">
            {live === 'open' ? 'Live' : live === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
          </span>
          <fieldset className="demo-segmented">
            <legend>Widget</legend>
            {MODES.map((m) => (
              <label key={m}>
                <input type="radio" name="widget-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                {m === 'dialog' ? 'Dialog' : 'Popup'}
              </label>
            ))}
          </fieldset>
          <button
            type="button"
            className="demo-button"
            aria-pressed={theme === 'dark'}
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          >
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
        </div>
      </header>

      <div className="demo-layout">
        <main className="demo-main">
          <h1>Good morning, {customer.name}</h1>
          {/* Opened from a repair link (?meld_repair=…): that connection's prompt, once the customer is signed in. */}
          <RepairLinkLanding className="demo-landing" />
          <NewConnectionNotice state={newConnection.state} onDismiss={newConnection.dismiss} />
          <nav className="demo-tabs" aria-label="Views">
            <button type="button" aria-current={tab === 'accounts' ? 'page' : undefined} onClick={() => setTab('accounts')}>
              Accounts
            </button>
            <button type="button" aria-current={tab === 'attention' ? 'page' : undefined} onClick={() => setTab('attention')}>
              Needs attention{' '}
              <span className="demo-count" data-testid="attention-count">
                {attention}
              </span>
            </button>
            <button type="button" aria-current={tab === 'outbox' ? 'page' : undefined} onClick={() => setTab('outbox')}>
              Outbox <span className="demo-muted">(back office)</span>
            </button>
          </nav>
          {tab === 'accounts' ? <Dashboard /> : tab === 'attention' ? <ConnectionHealthList className="demo-panel" /> : <Outbox />}
        </main>
        <ControlPanel config={config} connections={data ?? []} />
      </div>
    </div>
  );
}

const NOTICES: Record<Exclude<NewConnectionState['status'], 'idle'>, (institution: string) => string> = {
  requesting: (institution) => `Starting a new connection to ${institution}…`,
  'widget-open': (institution) => `Finish connecting ${institution} in the window that opened.`,
  connected: (institution) => `${institution} is connected. The old connection was removed.`,
  cancelled: () => 'You closed the window before connecting. Nothing changed.',
  failed: (institution) => `We could not connect ${institution}. Try again.`,
};

function NewConnectionNotice({ state, onDismiss }: { state: NewConnectionState; onDismiss: () => void }) {
  if (state.status === 'idle') return <div role="status" className="demo-notice-slot" />;
  return (
    <div role="status" className="demo-notice-slot">
      <p className="demo-notice" data-state={state.status}>
        {NOTICES[state.status](state.institution)}
        {state.status !== 'requesting' && state.status !== 'widget-open' ? (
          <button type="button" className="demo-link" onClick={onDismiss}>
            OK
          </button>
        ) : null}
      </p>
    </div>
  );
}
