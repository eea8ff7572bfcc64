/** English strings shared by several components. */
export const commonMessages = {
  'institution.fallback': 'your bank',
} as const;
