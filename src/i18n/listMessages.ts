/** English strings of ConnectionHealthList. */
export const listMessages = {
  'list.title': 'Connections that need attention',
  'list.empty': 'All your connections are working.',
  'list.fix-all': 'Fix them one after another',
  'list.progress': 'Fixing {current} of {total}',
  'list.stop': 'Stop',
  'list.next': 'Continue with {institution}',
} as const;
