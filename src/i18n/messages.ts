/**
 * The kit's English message catalog. Every visible string comes from a
 * catalog; `ReconnectKitProvider`'s `locale` picks one and `messages` replaces
 * any entry. Placeholders are `{name}`; values are inserted as text.
 */
export const defaultMessages = {
  'institution.fallback': 'your bank',

  'widget.title': 'Connect your bank',
  'widget.title-with-institution': 'Reconnect {institution}',
  'widget.close': 'Close',

  'prompt.reconnect': 'Your connection to {institution} stopped updating. Sign in again to keep your accounts up to date.',
  'prompt.expiring-soon': 'Your access to {institution} will expire soon. Reconnect now to keep it updating.',
  'prompt.institution-repairing': '{institution} is fixing a problem on its side. Nothing is wrong with your account; try again later.',
  'prompt.institution-action': '{institution} needs you to do something in your bank account before it can update:',
  'prompt.partial-data': 'Some of your {institution} data did not update.',
  'prompt.partial-data-persists': 'Some of your {institution} data is still missing. Reconnect to fix it.',
  'prompt.temporary-outage': '{institution} is temporarily unavailable. Your data will update when it is back.',
  'prompt.refresh-on-demand': '{institution} updates only when you ask.',
  'prompt.start-new-connection': 'Your connection to {institution} cannot be restored. Connect it again to keep your accounts up to date.',
  'prompt.choose-another-institution': '{institution} is no longer supported. Connect a different bank instead.',
  'prompt.new-accounts': 'New accounts are available at {institution}.',
  'prompt.last-updated': 'Last updated {date}.',

  'action.reconnect': 'Reconnect',
  'action.try-again-later': 'Try again',
  'action.done': "I've done this",
  'action.refresh': 'Refresh',
  'action.update-now': 'Update now',
  'action.connect-again': 'Connect again',
  'action.connect-another-bank': 'Connect another bank',
  'action.add-new-accounts': 'Add new accounts',
  'action.retry': 'Try again',
  'action.dismiss': 'Dismiss',
  'action.remind-later': 'Remind me later',

  'prompt.requesting': 'Preparing a secure sign-in…',
  'prompt.widget-open': 'Finish signing in to {institution} in the window that opened.',
  'prompt.verifying': 'Checking your connection…',
  'prompt.verified': 'Your {institution} connection is working again.',
  'prompt.still-broken': '{institution} still could not connect. Try again, or try later.',
  'prompt.unconfirmed': 'We could not confirm the connection yet. This will update when {institution} responds.',
  'prompt.refreshing': 'Updating {institution}…',
  'prompt.refreshed': 'Thanks. {institution} is updating.',

  'error.not-found': 'We could not find this connection.',
  'error.cannot-repair': 'This connection cannot be repaired. Connect it again.',
  'error.still-broken': '{institution} still could not connect.',
  'error.unsafe-widget-url': 'We could not open the sign-in window safely. Please contact support.',
  'error.widget-error': 'Signing in did not work. Try again.',
  'error.rate-limited': 'Too many attempts. Try again in a few minutes.',
  'error.unauthorized': 'Your session has ended. Sign in to the app again, then retry.',
  'error.unavailable': 'We could not reach the server. Check your connection and try again.',
  'error.not-allowed': 'This action is not available for this connection right now.',

  'status.none': 'Connected',
  'status.reconnect': 'Needs reconnect',
  'status.expiring-soon': 'Expiring soon',
  'status.new-accounts': 'New accounts',
  'status.partial-data': 'Partly updated',
  'status.institution-action': 'Action needed',
  'status.institution-repairing': 'Bank repairing',
  'status.temporary-outage': 'Temporarily unavailable',
  'status.refresh-on-demand': 'Updates on request',
  'status.in-progress': 'Connecting',
  'status.start-new-connection': 'Disconnected',
  'status.choose-another-institution': 'No longer supported',
  'status.unknown': 'Status unknown',
  'status.label': '{institution}: {status}',

  'list.title': 'Connections that need attention',
  'list.empty': 'All your connections are working.',
  'list.fix-all': 'Fix them one after another',
  'list.progress': 'Fixing {current} of {total}',
  'list.stop': 'Stop',
} as const;

export type MessageKey = keyof typeof defaultMessages;
export type Messages = Record<MessageKey, string>;

/** Fills `{placeholders}`; an unknown placeholder stays as written. Values are text, never HTML. */
export function formatMessage(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}
