/**
 * English notification templates (e-mail subject and text, in-app text), used
 * by `planReconnectNotifications` on the host backend (Spanish:
 * esNotificationMessages.ts). Not part of the browser's catalogs: no
 * component shows them. `{institution}` is the
 * bank's name, `{date}` a day written for the customer's locale and zone,
 * `{link}` the host's repair link. Nothing else of the connection or the
 * customer is ever put in: no balances, no account numbers, no secrets.
 */
export const notificationMessages = {
  'notify.reconnect.subject': 'Reconnect {institution} to keep your accounts up to date',
  'notify.reconnect.text': 'Your connection to {institution} stopped updating. Sign in again to fix it: {link}',
  'notify.expiring-soon.subject': 'Your access to {institution} expires soon',
  'notify.expiring-soon.text': 'Your access to {institution} will expire soon. Reconnect now to keep it updating: {link}',
  'notify.expiring-soon-date.text': 'Your access to {institution} will expire soon. Renew by {date} to keep it updating: {link}',
  'notify.renewal-due.subject': 'Renew your access to {institution} by {date}',
  'notify.renewal-due.text': 'Your access to {institution} must be renewed by {date}. Open the app to check it: {link}',
  'notify.institution-action.subject': '{institution} needs you to do something',
  'notify.institution-action.text': '{institution} needs you to do something in your bank account before it can update. See what to do: {link}',
  'notify.start-new-connection.subject': 'Connect {institution} again',
  'notify.start-new-connection.text': 'Your connection to {institution} cannot be restored. Connect it again to keep your accounts up to date: {link}',
  'notify.choose-another-institution.subject': '{institution} is no longer supported',
  'notify.choose-another-institution.text': '{institution} is no longer supported. Connect a different bank instead: {link}',
} as const;
