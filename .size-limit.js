// Bundle budgets, checked by `npm test` (size-limit with esbuild, minified + gzip).
//
// Every check is measured as a host's production build sees it:
// `process.env.NODE_ENV` is "production" (development warnings fold away) and
// the peers (react, react-dom, @tanstack/react-query) are the host's own.
//
// "with the page" checks leave out code the kit loads on demand through
// `import()`: the live prompt view (only once a prompt is due), the widget
// launcher and verification (only once a prompt offers a reconnect), and the
// cross-tab handler (on the first message). The other checks count it all,
// bundled into one file: an upper bound, as esbuild wraps each module it
// inlines for `import()` (about 0.1 kB each).

const PEERS = ['react', 'react-dom', '@tanstack/react-query'];

/** Leaves `import()`ed modules out of the bundle, as a host bundler would split them. */
const leaveLazyChunksOut = {
  name: 'leave-lazy-chunks-out',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
  },
};

function production(config) {
  return { ...config, define: { ...config.define, 'process.env.NODE_ENV': '"production"' } };
}

function productionWithoutLazyChunks(config) {
  return { ...production(config), plugins: [...(config.plugins ?? []), leaveLazyChunksOut] };
}

const core = (name, names, limit) => ({ name: `core: ${name}`, path: 'dist/core/index.js', import: `{ ${names} }`, limit, gzip: true, modifyEsbuildConfig: production });
const root = (name, names, limit, lazy = 'included') => ({
  name: `root: ${name}`,
  path: 'dist/index.js',
  import: names === '*' ? '*' : `{ ${names} }`,
  ignore: PEERS,
  limit,
  gzip: true,
  modifyEsbuildConfig: lazy === 'left-out' ? productionWithoutLazyChunks : production,
});

export default [
  core('decisions only (getStatusDecision, isOperationAllowed)', 'getStatusDecision, isOperationAllowed', '2.5 kB'),
  core('status table with Meld prose (STATUS_TABLE, getStatusInfo)', 'STATUS_TABLE, getStatusInfo', '3.5 kB'),
  core('host client (createHostClient, HostApiError)', 'createHostClient, HostApiError', '2.5 kB'),
  core('widget URL + message checks (validateWidgetUrl, parseWidgetMessage)', 'validateWidgetUrl, parseWidgetMessage', '1.5 kB'),
  // What every page with a banner downloads (issue 5: 8 kB; issue 11 measures it as Vite splits it,
  // 6 kB, in scripts/bundleBudget.mjs, which npm test runs too).
  root('provider + ReconnectBanner, with the page', 'ReconnectKitProvider, ReconnectBanner', '6 kB', 'left-out'),
  // 0.2's reconnect engine (one shared store per connection) is larger than 0.1's hooks were (16.2 kB here);
  // popup mode's relay link (issue 13) and the Meld events the browser applies (issue 12) add about 0.8 kB;
  // the renewal date and the renewal-due state in the prompts (issue 15) about 0.2 kB more here;
  // repair links (issue 15, part 2) 0.32 kB more (22.69 -> 23.01): the host client's redeemRepairLink
  // with its answer's check and the invalid-link kind, the lazy client's method, the push counter a
  // redemption compares, the prompt gate's "when hidden" content.
  root('provider + ReconnectBanner, once a prompt shows and the customer clicks', 'ReconnectKitProvider, ReconnectBanner', '23.1 kB'),
  root('provider + useConnection + useConnectionEvents', 'ReconnectKitProvider, useConnection, useConnectionEvents', '7 kB'),
  // Issue 15, part 2: the repair-link landing. With the page, its light gate only (address and session
  // check, lazy wrapper); the landing itself (store, hook, view, strings) loads once there is a link.
  root('provider + RepairLinkLanding, with the page', 'ReconnectKitProvider, RepairLinkLanding', '3 kB', 'left-out'),
  root('provider + RepairLinkLanding, once a link lands and the customer clicks', 'ReconnectKitProvider, RepairLinkLanding', '26 kB'),
  root('provider + useRepairLink (headless), everything it may load', 'ReconnectKitProvider, useRepairLink', '8 kB'),
  root('openMeldWidget alone', 'openMeldWidget', '5 kB'),
  root('provider + useReconnectFlow, everything it may load', 'ReconnectKitProvider, useReconnectFlow', '18.5 kB'),
  { name: 'styles.css', path: 'dist/styles.css', limit: '3 kB', gzip: true },
  // Issue 15 adds getRenewal (with its Intl day counting) and the renewal prompt: about 0.9 kB;
  // its repair links 3.5 kB more (31.45 -> 34.9): the landing's store, hook, view and gate, its
  // English and Spanish strings, the host client's redeem, each lazy module's wrapper.
  root('everything', '*', '35.5 kB'),
];
