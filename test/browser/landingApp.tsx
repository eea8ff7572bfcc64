// The host app of LANDING_PATH (see kitPages.ts): its page with the repair-link landing,
// talking to the loopback host named in its own address (`?host=`), in the widget mode named there.
import '../../src/theme/tokens.css';
import '../../src/theme/components.css';
import { QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ReconnectKitProvider, RepairLinkLanding, type WidgetMode } from '../../src/index.js';

const query = new URLSearchParams(window.location.search);
const host = query.get('host') ?? '';
const mode = (query.get('mode') ?? 'redirect') as WidgetMode;
const root = document.getElementById('root');
if (!root) throw new Error('no #root');

createRoot(root).render(
  <StrictMode>
    <ReconnectKitProvider
      baseUrl={`${host}/api`}
      queryClient={new QueryClient()}
      broadcastChannel={false}
      widget={{ mode, allowedHosts: [new URL(host).host] }}
      verification={{ delaysMs: [200, 400, 800], timeoutMs: 5_000 }}
    >
      <main>
        <h1>Host app</h1>
        <RepairLinkLanding />
      </main>
    </ReconnectKitProvider>
  </StrictMode>,
);
document.body.dataset.ready = '';
