// The control page at `${url}/__sim/`: the connections, and for each one any
// row of STATUS_TABLE (which sends the webhook), a widget script and a failing
// refresh. It only calls the control API, so anything it does a test can do.
import { BASE_CSS, htmlResponse } from './html.js';

const CSS = `${BASE_CSS}
  main { max-width: 960px; margin: 0 auto; padding: 24px 20px 48px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
  .cards { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); padding: 0; list-style: none; }
  .card { border: 1px solid #6b7380; border-radius: 8px; padding: 1rem; }
  .card h3 { font-size: 1rem; margin: 0; }
  .row { display: flex; gap: .5rem; align-items: end; margin-top: .5rem; flex-wrap: wrap; }
  .row > :first-child { flex: 1 1 10rem; }
  .row label { margin-top: 0; }
  .inline { display: flex; gap: .5rem; flex-wrap: wrap; margin-top: 1rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: start; border-bottom: 1px solid #c9ced6; padding: .35rem .5rem; }
  .form { display: grid; gap: 0 1rem; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); align-items: end; }
`;

// Runs in the control page. Builds every node with textContent: names come from seeds.
const SCRIPT = `
(() => {
  const base = location.pathname.replace(/\\/+$/, '');
  const $ = (id) => document.getElementById(id);
  const status = $('result');
  const say = (text, isError) => { status.textContent = text; status.className = isError ? 'error' : 'muted'; };
  // The bank's words live in serviceProviderDetails (Plaid's error.display_message), as at Meld.
  function bankMessage(connection) {
    const error = connection.serviceProviderDetails && connection.serviceProviderDetails.error;
    return error && typeof error.display_message === 'string' ? error.display_message : '';
  }
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== false) node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }
  async function call(method, path, body) {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || ('HTTP ' + response.status));
    return data;
  }
  let table = [];
  let behaviours = [];
  const rowLabel = (row) => row.status + (row.reason ? ' · ' + row.reason : '');
  const rowValue = (row) => row.status + '|' + (row.reason || '');
  const statusOptions = (current) =>
    table.map((row) => h('option', { value: rowValue(row), selected: rowValue(row) === current, text: rowLabel(row) }));
  function card(connection, index) {
    const id = 'c' + index;
    const current = connection.status + '|' + (connection.statusReason || '');
    const select = h('select', { id: id + '-status' }, ...statusOptions(current));
    const message = h('input', { id: id + '-message', placeholder: 'Only for INSTITUTION_ACTION_REQUIRED' });
    const widget = h('select', { id: id + '-widget' }, ...behaviours.map((b) => h('option', { value: b, text: b })));
    const send = async () => {
      const [newStatus, reason] = select.value.split('|');
      try {
        const result = await call('POST', '/connections/' + encodeURIComponent(connection.id) + '/status', {
          status: newStatus, statusReason: reason || null, institutionMessage: message.value || undefined,
        });
        say(connection.id + ': ' + select.selectedOptions[0].textContent + '; webhook ' + result.webhook.state + (result.webhook.status ? ' (' + result.webhook.status + ')' : '') + (result.webhook.error ? ': ' + result.webhook.error : ''), result.webhook.state === 'failed');
      } catch (error) { say(error.message, true); }
      load();
    };
    const script = async () => {
      try {
        await call('POST', '/connections/' + encodeURIComponent(connection.id) + '/widget', { behaviour: widget.value });
        say(connection.id + ': the next sign-in does "' + widget.value + '"');
      } catch (error) { say(error.message, true); }
    };
    const failRefresh = async () => {
      try {
        await call('POST', '/connections/' + encodeURIComponent(connection.id) + '/fail-next-refresh', { status: 429 });
        say(connection.id + ': the next refresh answers 429');
      } catch (error) { say(error.message, true); }
    };
    return h('li', { class: 'card', 'aria-labelledby': id + '-title' },
      h('h3', { id: id + '-title', text: (connection.institutionName || 'New connection') + ' · ' + connection.id }),
      h('p', { class: 'muted', text: 'Customer ' + connection.externalCustomerId + ' · ' + connection.status + (connection.statusReason ? ' · ' + connection.statusReason : '') + (bankMessage(connection) ? ' · "' + bankMessage(connection) + '"' : '') }),
      h('div', { class: 'row' }, h('div', {}, h('label', { for: id + '-status', text: 'Status and reason' }), select)),
      h('label', { for: id + '-message', text: "Bank's message" }), message,
      h('div', { class: 'inline' }, h('button', { type: 'button', onclick: send, text: 'Set status and send webhook' })),
      h('div', { class: 'row' }, h('div', {}, h('label', { for: id + '-widget', text: 'Next widget sign-in' }), widget),
        h('button', { type: 'button', class: 'secondary', onclick: script, text: 'Script widget' })),
      h('div', { class: 'inline' }, h('button', { type: 'button', class: 'secondary', onclick: failRefresh, text: 'Fail next refresh (429)' })),
    );
  }
  async function load() {
    try {
      const state = await call('GET', '/state');
      table = state.statusTable;
      behaviours = state.behaviours;
      $('api').textContent = state.url;
      $('widget').textContent = state.widgetOrigin;
      if (document.activeElement !== $('webhook-url')) $('webhook-url').value = state.webhookUrl || '';
      $('list').replaceChildren(...state.connections.map(card));
      $('empty').hidden = state.connections.length > 0;
      if (!$('add-status').options.length) $('add-status').append(...statusOptions('RECONNECT_REQUIRED|LOGIN_REQUIRED'));
      const hooks = (await call('GET', '/webhooks')).webhooks.slice(-20).reverse();
      $('hooks').replaceChildren(...hooks.map((w) => h('tr', {},
        h('td', { text: w.eventType.replace('BANK_LINKING_', '') }),
        h('td', { text: w.connectionId || '' }),
        h('td', { text: w.payload.newStatus ? w.payload.newStatus + (w.payload.newStatusReason ? ' · ' + w.payload.newStatusReason : '') : '' }),
        h('td', { text: w.state + (w.status ? ' ' + w.status : '') }),
        h('td', { text: w.ms === null || w.ms === undefined ? '' : w.ms + ' ms' }),
      )));
    } catch (error) { say('Could not load the simulator: ' + error.message, true); }
  }
  $('webhook-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await call('PUT', '/webhook-url', { url: $('webhook-url').value || null });
      say('Webhooks go to ' + ($('webhook-url').value || 'nowhere'));
    } catch (error) { say(error.message, true); }
  });
  $('add-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const [newStatus, reason] = $('add-status').value.split('|');
    try {
      const { connection } = await call('POST', '/connections', {
        externalCustomerId: $('add-customer').value, institutionName: $('add-bank').value || undefined, status: newStatus, statusReason: reason || null,
      });
      say('Added ' + connection.id);
      load();
    } catch (error) { say(error.message, true); }
  });
  $('reset').addEventListener('click', async () => {
    try { await call('POST', '/reset', {}); say('Reset to the initial connections.'); load(); } catch (error) { say(error.message, true); }
  });
  $('reload').addEventListener('click', load);
  window.addEventListener('focus', load);
  load();
})();
`;

/** The control page. */
export function controlPageResponse(): Response {
  return htmlResponse(
    200,
    (nonce) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Meld simulator</title>
<style nonce="${nonce}">${CSS}</style>
</head>
<body>
<main>
<h1>Meld simulator</h1>
<dl>
<dt>Meld API</dt><dd><code id="api"></code></dd>
<dt>Widget origin</dt><dd><code id="widget"></code></dd>
</dl>
<form id="webhook-form" class="row">
<div><label for="webhook-url">Webhook URL</label><input id="webhook-url" type="url" placeholder="http://127.0.0.1:3000/api/meld/webhooks"></div>
<button type="submit">Save</button>
</form>
<p id="result" class="muted" role="status" aria-live="polite"></p>
<div class="inline"><button id="reload" type="button" class="secondary">Reload</button><button id="reset" type="button" class="secondary">Reset</button></div>
<h2>Connections</h2>
<p id="empty" class="muted" hidden>No connections yet.</p>
<ul id="list" class="cards"></ul>
<h2>Add a connection</h2>
<form id="add-form" class="form">
<div><label for="add-customer">Customer id (externalCustomerId)</label><input id="add-customer" required value="user_1"></div>
<div><label for="add-bank">Bank name</label><input id="add-bank" placeholder="First Simulated Bank"></div>
<div><label for="add-status">Status and reason</label><select id="add-status"></select></div>
<div><button type="submit">Add connection</button></div>
</form>
<h2>Recent webhooks</h2>
<table>
<thead><tr><th scope="col">Event</th><th scope="col">Connection</th><th scope="col">New status</th><th scope="col">Delivery</th><th scope="col">Time</th></tr></thead>
<tbody id="hooks"></tbody>
</table>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`,
  );
}
