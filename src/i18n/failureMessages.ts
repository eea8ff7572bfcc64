/** English strings for a call to the host that failed, shared by the prompts and the repair-link landing. */
export const failureMessages = {
  'action.retry': 'Try again',
  'error.rate-limited': 'Too many attempts. Try again in a few minutes.',
  'error.unauthorized': 'Your session has ended. Sign in to the app again, then retry.',
  'error.unavailable': 'We could not reach the server. Check your connection and try again.',
} as const;
