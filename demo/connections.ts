/**
 * The demo's customer and the connections the simulator starts with. Shared by
 * the demo backend, the end-to-end tests and the benchmarks, so they all talk
 * about the same ids. Dates are fixed so screenshots never change with the day.
 */

/** A customer of the demo's app, with what its mailer and planner know of them. */
export interface DemoCustomer {
  /** The sign-in key (the demo's session cookie holds it). */
  key: 'alex' | 'sam';
  name: string;
  externalCustomerId: string;
  email: string;
  /** IANA zone: quiet hours and dates in messages follow it. */
  timeZone: string;
  /** The language of the customer's messages. */
  locale: 'en' | 'es';
}

/**
 * The demo's two customers. Alex is signed in until someone signs out (a
 * browser without the session cookie is Alex's), so the page opens ready;
 * Sam is there to show that a link or a connection of Alex's is worth nothing
 * to anyone else.
 */
export const DEMO_CUSTOMERS: Readonly<Record<DemoCustomer['key'], DemoCustomer>> = {
  alex: { key: 'alex', name: 'Alex', externalCustomerId: 'cust_demo', email: 'alex@example.com', timeZone: 'Europe/London', locale: 'en' },
  sam: { key: 'sam', name: 'Sam', externalCustomerId: 'cust_sam', email: 'sam@example.com', timeZone: 'America/New_York', locale: 'es' },
};

/** The customer a browser without a session is signed in as. */
export const DEMO_CUSTOMER = DEMO_CUSTOMERS.alex;

/** Plain text, shown by the kit as text: INSTITUTION_ACTION_REQUIRED carries the bank's own words. */
export const LAKESIDE_MESSAGE =
  'Open the Lakeside Bank app and approve data sharing under Settings > Connected apps, then come back here.';

export interface DemoConnectionSeed {
  id: string;
  externalCustomerId: string;
  institutionId: string;
  institutionName: string;
  status: string;
  statusReason: string | null;
  products: string[];
  successfullyAggregatedAt: string | null;
  institutionMessage?: string;
}

const LAST_WEEK = '2026-11-14T09:30:00.000Z';
const YESTERDAY = '2026-11-20T07:15:00.000Z';

/** Ids the tests and benchmarks refer to. */
export const DEMO_IDS = {
  loginRequired: 'conn_harbor',
  expiringSoon: 'conn_summit',
  newAccounts: 'conn_evergreen',
  institutionAction: 'conn_lakeside',
  partial: 'conn_brightline',
  disabled: 'conn_oldmill',
  healthy: 'conn_northstar',
  /** Sam's: a connection that needs a new sign-in, at the same bank as Alex's. */
  samLoginRequired: 'conn_sam_harbor',
  samHealthy: 'conn_sam_northstar',
} as const;

function seed(
  id: string,
  institutionName: string,
  status: string,
  statusReason: string | null,
  products: string[],
  successfullyAggregatedAt: string | null,
  customer: DemoCustomer = DEMO_CUSTOMER,
): DemoConnectionSeed {
  const institutionId = `ins_${id.replace(/^conn_(sam_)?/, '')}`;
  return { id, externalCustomerId: customer.externalCustomerId, institutionId, institutionName, status, statusReason, products, successfullyAggregatedAt };
}

/** A fresh copy each call: the simulator may keep and mutate what it is given. */
export function demoConnections(): DemoConnectionSeed[] {
  return [
    seed(DEMO_IDS.loginRequired, 'Harbor Credit Union', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', ['BALANCES', 'TRANSACTIONS'], LAST_WEEK),
    seed(DEMO_IDS.expiringSoon, 'Summit National Bank', 'ACTIVE', 'ACCESS_EXPIRING_SOON', ['BALANCES', 'TRANSACTIONS'], YESTERDAY),
    seed(DEMO_IDS.newAccounts, 'Evergreen Savings', 'ACTIVE', 'NEW_ACCOUNTS_AVAILABLE', ['BALANCES', 'TRANSACTIONS'], YESTERDAY),
    {
      ...seed(DEMO_IDS.institutionAction, 'Lakeside Bank', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', ['BALANCES', 'TRANSACTIONS'], LAST_WEEK),
      institutionMessage: LAKESIDE_MESSAGE,
    },
    seed(DEMO_IDS.partial, 'Brightline Brokerage', 'PARTIALLY_ACTIVE', 'PARTIAL_AGGREGATION_SUCCESS', ['BALANCES', 'INVESTMENT_HOLDINGS'], LAST_WEEK),
    seed(DEMO_IDS.disabled, 'Old Mill Bank', 'UNRECOVERABLE', 'INSTITUTION_DISABLED', ['BALANCES'], '2026-09-02T12:00:00.000Z'),
    seed(DEMO_IDS.healthy, 'Northstar Bank', 'ACTIVE', null, ['BALANCES', 'TRANSACTIONS'], YESTERDAY),
    seed(DEMO_IDS.samLoginRequired, 'Harbor Credit Union', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED', ['BALANCES', 'TRANSACTIONS'], LAST_WEEK, DEMO_CUSTOMERS.sam),
    seed(DEMO_IDS.samHealthy, 'Northstar Bank', 'ACTIVE', null, ['BALANCES', 'TRANSACTIONS'], YESTERDAY, DEMO_CUSTOMERS.sam),
  ];
}

