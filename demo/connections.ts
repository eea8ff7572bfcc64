/**
 * The demo's customer and the connections the simulator starts with. Shared by
 * the demo backend, the end-to-end tests and the benchmarks, so they all talk
 * about the same ids. Dates are fixed so screenshots never change with the day.
 */

/** The one signed-in customer of the demo (a fixed session: there is no login). */
export const DEMO_CUSTOMER = { name: 'Alex', externalCustomerId: 'cust_demo' } as const;

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
} as const;

function seed(
  id: string,
  institutionName: string,
  status: string,
  statusReason: string | null,
  products: string[],
  successfullyAggregatedAt: string | null,
): DemoConnectionSeed {
  const institutionId = `ins_${id.slice('conn_'.length)}`;
  return { id, externalCustomerId: DEMO_CUSTOMER.externalCustomerId, institutionId, institutionName, status, statusReason, products, successfullyAggregatedAt };
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
  ];
}

