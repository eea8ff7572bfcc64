/** Scripts, forms and same-origin for the widget; popups (escaping the sandbox) for banks' OAuth pages. */
export const WIDGET_IFRAME_SANDBOX = 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox';
/** Passkeys at the bank, and copying codes. */
export const WIDGET_IFRAME_ALLOW = 'publickey-credentials-get; publickey-credentials-create; clipboard-write';
