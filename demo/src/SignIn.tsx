import { useState } from 'react';
import type { DemoConfig } from './config.js';
import { switchSession } from './session.js';

/**
 * The host's sign-in page, as the demo plays it: pick a customer. A repair
 * link opened while signed out lands here first; the address (and the link
 * in it) is kept, so the kit's landing takes over once the customer is in.
 */
export function SignIn({ config }: { config: DemoConfig }) {
  const [error, setError] = useState('');
  const arrivedWithLink = new URLSearchParams(window.location.search).has('meld_repair');
  return (
    <main className="demo-signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to Pebble</h1>
      <p>{arrivedWithLink ? 'Sign in to continue to your bank connection.' : 'The demo has no passwords: choose who you are.'}</p>
      <div className="demo-signin__choices">
        {config.customers.map((customer) => (
          <button key={customer.key} type="button" onClick={() => switchSession(customer.key).catch((e: unknown) => setError(String(e)))}>
            Continue as {customer.name}
          </button>
        ))}
      </div>
      <p role="alert">{error}</p>
    </main>
  );
}
