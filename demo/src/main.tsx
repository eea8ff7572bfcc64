import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The kit's opt-in stylesheet, then the demo's brand (tokens only) and page layout.
import 'meld-reconnect-kit/styles.css';
import './demo.css';
import { App } from './App.js';
import { loadDemoConfig } from './config.js';
import { loadSession } from './session.js';
import { SignIn } from './SignIn.js';

const container = document.getElementById('root');
if (!container) throw new Error('demo: index.html has no #root');

Promise.all([loadDemoConfig(), loadSession()]).then(
  ([config, session]) => {
    createRoot(container).render(
      <StrictMode>{session.customer ? <App config={config} customer={session.customer} /> : <SignIn config={config} />}</StrictMode>,
    );
  },
  (error: unknown) => {
    container.textContent = `The demo backend did not answer: ${error instanceof Error ? error.message : String(error)}`;
  },
);
