import { parseComponentVariables, parseTokens } from './themeCss.js';
import './statusTableView.css';
import './referenceTables.css';

/** What each global token is for. A token without an entry shows as undocumented (and fails its story). */
export const TOKEN_PURPOSE: Readonly<Record<string, string>> = {
  '--mrk-font': 'Font family of every component.',
  '--mrk-font-size': 'Base text size of the prompts.',
  '--mrk-line-height': 'Line height of the prompts.',
  '--mrk-radius': 'Corner radius of banners and prompts; buttons use it minus 2 px.',
  '--mrk-radius-pill': 'Corner radius of status badges.',
  '--mrk-space': 'Base spacing: gaps and padding inside prompts and lists.',
  '--mrk-focus-ring': 'Outline of a focused button or link inside the kit.',
  '--mrk-surface': 'Background of the health list (your page background, usually).',
  '--mrk-on-surface': 'Text on --mrk-surface.',
  '--mrk-muted': 'Secondary text on --mrk-surface. Not read by the components yet; for your chrome around them.',
  '--mrk-border': 'Borders and dividers. Not read by the components yet; for your chrome around them.',
  '--mrk-primary': 'Background of primary buttons (Reconnect, Connect again, Add new accounts).',
  '--mrk-on-primary': 'Text and icons on --mrk-primary.',
  '--mrk-info-surface': 'Background of informational prompts and badges: flow progress, new accounts, outages.',
  '--mrk-on-info': 'Text on --mrk-info-surface.',
  '--mrk-warning-surface': 'Background of warnings: access expiring, partial data, action needed at the bank.',
  '--mrk-on-warning': 'Text on --mrk-warning-surface.',
  '--mrk-critical-surface': "Background of critical prompts: reconnect, can't be restored, a failed flow.",
  '--mrk-on-critical': 'Text on --mrk-critical-surface.',
  '--mrk-success-surface': 'Background of success lines (verified, refreshed) and of the "Connected" badge.',
  '--mrk-on-success': 'Text on --mrk-success-surface.',
  '--mrk-widget-bg': "Background of the widget dialog around Meld's iframe.",
  '--mrk-widget-radius': 'Corner radius of the widget dialog (square on phones).',
};

function Value({ value }: { value: string | undefined }) {
  if (value === undefined) return <span className="mrk-docs-muted">same as light</span>;
  const colour = /^#[0-9a-f]{3,8}$/i.test(value);
  return (
    <span className="mrk-docs-value">
      {colour ? <span className="mrk-docs-swatch" style={{ background: value }} aria-hidden="true" /> : null}
      <code>{value}</code>
    </span>
  );
}

/** The global tokens of src/theme/tokens.css: light and dark values, and what each is for. */
export function TokensTable() {
  const tokens = parseTokens();
  return (
    <table className="mrk-docs-table">
      <caption>Design tokens in src/theme/tokens.css: {tokens.length}</caption>
      <thead>
        <tr>
          <th scope="col">Token</th>
          <th scope="col">Light</th>
          <th scope="col">Dark</th>
          <th scope="col">What it is for</th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((token) => (
          <tr key={token.name} data-token={token.name}>
            <th scope="row">
              <code className="mrk-docs-nowrap">{token.name}</code>
            </th>
            <td>
              <Value value={token.light} />
            </td>
            <td>
              <Value value={token.dark} />
            </td>
            <td>{TOKEN_PURPOSE[token.name] ?? <span className="mrk-docs-muted">Not documented yet.</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The per-component variables of src/theme/components.css and the tokens they fall back to. */
export function ComponentVariablesTable() {
  const variables = parseComponentVariables();
  return (
    <table className="mrk-docs-table">
      <caption>Per-component variables in src/theme/components.css: {variables.length}</caption>
      <thead>
        <tr>
          <th scope="col">Variable</th>
          <th scope="col">Falls back to</th>
          <th scope="col">Read by</th>
        </tr>
      </thead>
      <tbody>
        {variables.map((variable) => (
          <tr key={variable.name} data-variable={variable.name}>
            <th scope="row">
              <code className="mrk-docs-nowrap">{variable.name}</code>
            </th>
            <td>
              <code className="mrk-docs-nowrap">{variable.fallback}</code>
            </td>
            <td>
              {variable.usedBy.map((selector) => (
                <code key={selector} className="mrk-docs-selector">
                  {selector}
                </code>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
