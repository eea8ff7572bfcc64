/**
 * The host's own data about each connection: account names and balances. In a
 * real app it comes from Meld's accounts and balances endpoints, which the
 * kit does not cover; here it is fixed, so screenshots never change.
 */
export interface DemoAccount {
  name: string;
  mask: string;
  /** In cents; negative for what is owed. */
  balance: number;
}

const BY_CONNECTION: Record<string, DemoAccount[]> = {
  conn_harbor: [
    { name: 'Everyday Checking', mask: '4821', balance: 234_012 },
    { name: 'Rainy Day Savings', mask: '9034', balance: 1_250_000 },
  ],
  conn_summit: [{ name: 'Summit Rewards Visa', mask: '1187', balance: -84_233 }],
  conn_evergreen: [{ name: 'High-Yield Savings', mask: '5520', balance: 2_040_517 }],
  conn_lakeside: [{ name: 'Joint Checking', mask: '7702', balance: 512_944 }],
  conn_brightline: [
    { name: 'Brokerage', mask: '3310', balance: 4_187_260 },
    { name: 'Roth IRA', mask: '3311', balance: 2_294_018 },
  ],
  conn_oldmill: [{ name: 'Classic Savings', mask: '0456', balance: 301_500 }],
  conn_northstar: [
    { name: 'Premier Checking', mask: '6644', balance: 389_075 },
    { name: 'Northstar Mastercard', mask: '2290', balance: -12_840 },
  ],
  // Sam's
  conn_sam_harbor: [{ name: 'Student Checking', mask: '7310', balance: 84_520 }],
  conn_sam_northstar: [{ name: 'Premier Savings', mask: '6120', balance: 612_300 }],
};

/** Accounts of a connection the demo started itself (the simulator makes up none). */
const NEW_CONNECTION: DemoAccount[] = [{ name: 'Checking', mask: '0001', balance: 100_000 }];

export function accountsOf(connectionId: string): DemoAccount[] {
  return BY_CONNECTION[connectionId] ?? NEW_CONNECTION;
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function formatMoney(cents: number): string {
  return money.format(cents / 100);
}
