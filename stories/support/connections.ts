import type { Connection, StatusTableRow } from '../../src/index.js';

export const INSTITUTION = 'First Test Bank';

/**
 * What a bank says for DEGRADED + INSTITUTION_ACTION_REQUIRED (the backend
 * takes it from Meld's webhook). The angle brackets show that it is rendered
 * as text, never as HTML.
 */
export const INSTITUTION_MESSAGE = 'Open the First Test Bank app, go to Settings > Connected apps and approve <Budget App> again.';

/** When the data last updated (prompts about stale data say so). */
export const LAST_AGGREGATED_AT = '2026-11-01T10:05:00Z';

/** A Meld-shaped connection. */
export function aConnection(overrides: Partial<Connection> & Pick<Connection, 'id'>): Connection {
  return {
    accountId: 'acct_story',
    customerId: 'cust_story',
    externalCustomerId: 'customer-42',
    institutionId: 'inst_first_test_bank',
    institutionName: INSTITUTION,
    status: 'ACTIVE',
    statusReason: null,
    products: ['BALANCES', 'TRANSACTIONS'],
    optionalProducts: [],
    regions: ['US'],
    serviceProviderDetails: { serviceProvider: 'MX' },
    createdAt: '2026-10-01T09:00:00Z',
    successfullyAggregatedAt: LAST_AGGREGATED_AT,
    duplicateConnectionIds: null,
    activeDuplicateConnectionId: null,
    ...overrides,
  };
}

/** `STATUS` or `STATUS / REASON`, as the stories name a row. */
export function rowLabel(row: Pick<StatusTableRow, 'status' | 'reason'>): string {
  return row.reason ? `${row.status} / ${row.reason}` : row.status;
}

/** A stable connection id per row, e.g. `conn_reconnect_required_login_required`. */
export function rowConnectionId(row: Pick<StatusTableRow, 'status' | 'reason'>, prefix = 'conn'): string {
  return `${prefix}_${row.status}_${row.reason ?? 'none'}`.toLowerCase();
}

/** The connection a row's story shows, with what the backend adds for that row. */
export function connectionForRow(row: Pick<StatusTableRow, 'status' | 'reason'>, prefix = 'conn'): Connection {
  const id = rowConnectionId(row, prefix);
  return aConnection({
    id,
    status: row.status,
    statusReason: row.reason,
    ...(row.reason === 'INSTITUTION_ACTION_REQUIRED' ? { institutionMessage: INSTITUTION_MESSAGE } : {}),
    ...(row.reason === 'INACTIVE_DUPLICATE' ? { activeDuplicateConnectionId: `${id}_active` } : {}),
    ...(row.status === 'IN_PROGRESS' || row.status === 'EXPIRED' ? { successfullyAggregatedAt: null } : {}),
  });
}
