import { commonMessages } from './commonMessages.js';

/** English strings of ConnectionStatusBadge. */
export const statusMessages = {
  ...commonMessages,
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
} as const;
