/**
 * The signed-in customer. This example has one fixed demo session, Alex; a
 * real app reads its own session here (a cookie, Auth.js, Clerk...) and
 * answers null for a stranger.
 */
export interface User {
  id: string;
  name: string;
}

const DEMO_USER: User = { id: 'cust_demo', name: 'Alex' };

export function currentUser(_request?: Request): User | null {
  return DEMO_USER;
}
