/**
 * The signed-in customer. This example has one fixed demo session, Alex; a
 * real app reads its own session here (a cookie, Passport...) and answers
 * null for a stranger.
 *
 * @param {{ headers: { get(name: string): string | null } } | undefined} [_request]
 * @returns {{ id: string, name: string } | null}
 */
export function currentUser(_request) {
  return { id: 'cust_demo', name: 'Alex' };
}
