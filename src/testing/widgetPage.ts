// The simulated Meld widget: a small accessible page on its own origin. A
// repair session goes straight to the bank's login (no picker); a new
// connection without a bank shows a short picker first. What "Sign in" does
// is decided server-side (the connection's script); the page posts the
// answer's message to `window.opener || window.parent`, as Meld's widget does.
import { SIMULATED_INSTITUTIONS } from './ConnectionStore.js';
import { BASE_CSS, escapeHtml, htmlResponse, jsonForScript } from './html.js';
import type { SessionLookup, WidgetAnswer } from './SimulatorCore.js';

const CSS = `${BASE_CSS}
  main { max-width: 360px; margin: 0 auto; padding: 24px 20px; }
  .actions { display: grid; gap: .5rem; margin-top: 1.25rem; }
  .banks { display: grid; gap: .5rem; padding: 0; margin: 0; list-style: none; }
  .banks button { width: 100%; text-align: start; background: #fff; color: #1a1a1a; border: 1px solid #6b7380; }
  fieldset { border: 0; padding: 0; margin: 0; }
  legend { font-weight: 600; margin-bottom: .5rem; padding: 0; }
`;

// Runs in the widget's window. Plain ES2017, no dependencies.
const SCRIPT = `
(() => {
  const config = JSON.parse(document.getElementById('sim-session').textContent);
  const target = window.opener || (window.parent !== window ? window.parent : null);
  // The messages carry no secret, so any origin may read them (as Meld's widget does).
  const post = (message) => { if (target && message) target.postMessage(message, '*'); };
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  const say = (text, isError) => { status.textContent = text; status.className = isError ? 'error' : 'muted'; };
  if (config.ended) { post(config.post); return; }
  if (config.postInit) post({ domain: 'meld-connect', eventName: 'init', metadata: {} });
  let institutionId = config.institutionId;
  const login = $('login');
  const picker = $('picker');
  for (const button of document.querySelectorAll('[data-institution]')) {
    button.addEventListener('click', () => {
      institutionId = button.getAttribute('data-institution');
      $('title').textContent = document.title = 'Sign in to ' + button.getAttribute('data-name');
      picker.hidden = true;
      login.hidden = false;
      $('username').focus();
    });
  }
  const call = (path, body) =>
    fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  login.addEventListener('submit', async (event) => {
    event.preventDefault();
    const empty = [$('username'), $('password')].find((input) => input.value.trim() === '');
    if (empty) {
      say('Enter your username and password.', true);
      empty.focus();
      return;
    }
    const button = $('signin');
    button.disabled = true;
    say('Signing in…', false);
    try {
      const answer = await call('/widget/api/sign-in', { token: config.token, username: $('username').value, password: $('password').value, institutionId });
      post(answer.post);
      say(answer.text, answer.view === 'error' || answer.view === 'ended');
      if (answer.view === 'connected' || answer.view === 'ended') login.hidden = true;
      if (answer.view === 'error') {
        button.disabled = false;
        $('password').value = '';
        $('password').focus();
      }
    } catch {
      say('Something went wrong. Try again.', true);
      button.disabled = false;
    }
  });
  for (const cancel of document.querySelectorAll('[data-cancel]')) {
    cancel.addEventListener('click', async () => {
      await call('/widget/api/cancel', { token: config.token }).catch(() => undefined);
      login.hidden = true;
      if (picker) picker.hidden = true;
      say('Cancelled. Close this window to go back.', false);
      if (window.opener) window.close();
    });
  }
})();
`;

function page(nonce: string, title: string, body: string, config: unknown): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${CSS}</style>
</head>
<body>
<main>
<p class="tag">Meld simulator</p>
${body}
<p id="status" class="muted" role="status" aria-live="polite"></p>
</main>
<script type="application/json" id="sim-session">${jsonForScript(config)}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

/** The widget page for a connect token: the bank's login, or why the link no longer works. */
export function widgetPageResponse(lookup: SessionLookup, ended: (reason: 'unknown' | 'expired' | 'ended') => WidgetAnswer): Response {
  if (!lookup.found) {
    const answer = ended(lookup.reason);
    return htmlResponse(answer.httpStatus, (nonce) =>
      page(nonce, 'Link not valid', `<h1>Can't open this link</h1>\n<p class="error">${escapeHtml(answer.text)}</p>`, { ended: true, post: answer.post }),
    );
  }
  const { session, connection, postInit } = lookup;
  const needsPicker = session.mode === 'connect' && !connection.institutionId;
  const bank = connection.institutionName ?? 'your bank';
  const picker = needsPicker
    ? `<div id="picker">
<fieldset>
<legend>Choose your bank</legend>
<ul class="banks">
${SIMULATED_INSTITUTIONS.map((i) => `<li><button type="button" data-institution="${escapeHtml(i.id)}" data-name="${escapeHtml(i.name)}">${escapeHtml(i.name)}</button></li>`).join('\n')}
</ul>
</fieldset>
<div class="actions"><button type="button" class="secondary" data-cancel>Cancel</button></div>
</div>`
    : '';
  const login = `<form id="login"${needsPicker ? ' hidden' : ''} novalidate>
<p class="muted">Any username and password work here: the simulator's script decides what happens.</p>
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions">
<button id="signin" type="submit">Sign in</button>
<button type="button" class="secondary" data-cancel>Cancel</button>
</div>
</form>`;
  const title = needsPicker ? 'Connect your bank' : `Sign in to ${bank}`;
  return htmlResponse(200, (nonce) =>
    page(nonce, title, `<h1 id="title">${escapeHtml(title)}</h1>\n${picker}\n${login}`, {
      token: session.token,
      mode: session.mode,
      institutionId: connection.institutionId ?? null,
      postInit,
    }),
  );
}
