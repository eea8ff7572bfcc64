import type { Connection } from '../../src/core/index.js';

/** A Meld-shaped connection for tests. */
export function aConnection(overrides: Partial<Connection> & { id: string }): Connection {
  return {
    accountId: 'acct_1',
    customerId: 'cust_1',
    externalCustomerId: 'ext_1',
    institutionId: 'inst_1',
    institutionName: 'First Test Bank',
    status: 'ACTIVE',
    statusReason: null,
    products: ['BALANCES', 'TRANSACTIONS'],
    optionalProducts: [],
    regions: ['US'],
    serviceProviderDetails: { serviceProvider: 'MX' },
    createdAt: '2026-11-01T10:00:00Z',
    successfullyAggregatedAt: '2026-11-01T10:05:00Z',
    duplicateConnectionIds: null,
    activeDuplicateConnectionId: null,
    ...overrides,
  };
}
