import { commonMessages } from './commonMessages.js';
import { failureMessages } from './failureMessages.js';

/**
 * English strings of RepairLinkLanding. A refused link says nothing of why
 * (expired, used, someone else's): the host answers them all alike.
 */
export const landingMessages = {
  ...commonMessages,
  ...failureMessages,
  'landing.title': 'Your bank connection',
  'landing.redeeming': 'Opening your link…',
  'landing.connected': '{institution} is already connected. There is nothing to do.',
  'landing.invalid': 'This link can no longer be used. Links work once and for a short time. You can check your bank connections in the app.',
  'landing.failed': 'We could not open this link. If this keeps happening, please contact support.',
} as const;
