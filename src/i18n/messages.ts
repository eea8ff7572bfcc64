/**
 * The kit's English message catalog. Every visible string comes from a
 * catalog; `ReconnectKitProvider`'s `locale` picks one and `messages` replaces
 * any entry. Placeholders are `{name}`; values are inserted as text.
 */
export const defaultMessages = {
  'institution.fallback': 'your bank',

  'widget.title': 'Connect your bank',
  'widget.titleWithInstitution': 'Reconnect {institution}',
  'widget.close': 'Close',

  'prompt.reconnect': 'Your connection to {institution} stopped updating. Sign in again to keep your accounts up to date.',
  'prompt.expiringSoon': 'Your access to {institution} will expire soon. Reconnect now to keep it updating.',
  'prompt.institutionRepairing': '{institution} is fixing a problem on its side. Nothing is wrong with your account; try again later.',
  'prompt.institutionAction': '{institution} needs you to do something in your bank account before it can update:',
  'prompt.partialData': 'Some of your {institution} data did not update.',
  'prompt.partialDataPersists': 'Some of your {institution} data is still missing. Reconnect to fix it.',
  'prompt.temporaryOutage': '{institution} is temporarily unavailable. Your data will update when it is back.',
  'prompt.refreshOnDemand': '{institution} updates only when you ask.',
  'prompt.startNewConnection': 'Your connection to {institution} cannot be restored. Connect it again to keep your accounts up to date.',
  'prompt.chooseAnotherInstitution': '{institution} is no longer supported. Connect a different bank instead.',
  'prompt.newAccounts': 'New accounts are available at {institution}.',

  'action.reconnect': 'Reconnect',
  'action.tryAgainLater': 'Try again',
  'action.done': "I've done this",
  'action.refresh': 'Refresh',
  'action.updateNow': 'Update now',
  'action.connectAgain': 'Connect again',
  'action.connectAnotherBank': 'Connect another bank',
  'action.addNewAccounts': 'Add new accounts',
  'action.retry': 'Try again',
  'action.dismiss': 'Dismiss',
  'action.remindLater': 'Remind me later',

  'flow.requesting': 'Preparing a secure sign-in…',
  'flow.widgetOpen': 'Finish signing in to {institution} in the window that opened.',
  'flow.verifying': 'Checking your connection…',
  'flow.verified': 'Your {institution} connection is working again.',
  'flow.stillBroken': '{institution} still could not connect. Try again, or try later.',
  'flow.unconfirmed': 'We could not confirm the connection yet. This will update when {institution} responds.',
  'flow.refreshing': 'Updating {institution}…',
  'flow.refreshed': 'Thanks. {institution} is updating.',

  'error.notFound': 'We could not find this connection.',
  'error.cannotRepair': 'This connection cannot be repaired. Connect it again.',
  'error.stillBroken': '{institution} still could not connect.',
  'error.unsafeWidgetUrl': 'We could not open the sign-in window safely. Please contact support.',
  'error.widget': 'Signing in did not work. Try again.',
  'error.rateLimited': 'Too many attempts. Try again in a few minutes.',
  'error.unauthorized': 'Your session has ended. Sign in to the app again, then retry.',
  'error.unavailable': 'We could not reach the server. Check your connection and try again.',
  'error.notAllowed': 'This action is not available for this connection right now.',

  'status.healthy': 'Connected',
  'status.needsReconnect': 'Needs reconnect',
  'status.expiringSoon': 'Expiring soon',
  'status.newAccounts': 'New accounts',
  'status.partialData': 'Partly updated',
  'status.actionRequired': 'Action needed',
  'status.institutionRepairing': 'Bank repairing',
  'status.temporaryOutage': 'Temporarily unavailable',
  'status.refreshOnDemand': 'Updates on request',
  'status.inProgress': 'Connecting',
  'status.disconnected': 'Disconnected',
  'status.unsupported': 'No longer supported',
  'status.unknown': 'Status unknown',
  'status.label': '{institution}: {status}',

  'list.title': 'Connections that need attention',
  'list.empty': 'All your connections are working.',
  'list.fixAll': 'Fix them one after another',
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
