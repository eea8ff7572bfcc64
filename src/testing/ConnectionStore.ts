// The simulator's connections: seeds with Meld's defaults, and the list
// endpoint's filters and cursor.
import type { MeldConnection } from '../server/meldTypes.js';
import { MeldTestingError } from './MeldTestingError.js';
import type { SimulatedConnectionSeed } from './simulatorTypes.js';
import { checkStatus, defaultReason, randomId } from './statusRules.js';

const ID = /^[\w.:@-]{1,128}$/;
const DEFAULT_INSTITUTION = 'First Simulated Bank';

/** Banks the simulated widget offers when a new connection starts without one. */
export const SIMULATED_INSTITUTIONS: ReadonlyArray<{ id: string; name: string }> = [
  { id: 'ins_first_simulated_bank', name: DEFAULT_INSTITUTION },
  { id: 'ins_harbor_credit_union', name: 'Harbor Credit Union' },
  { id: 'ins_northwind_savings', name: 'Northwind Savings' },
];

function institutionIdFor(name: string): string {
  const known = SIMULATED_INSTITUTIONS.find((institution) => institution.name === name);
  if (known) return known.id;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60);
  return `ins_${slug || 'bank'}`;
}

/** One page of the list endpoint, or why the query is invalid. */
export type PageResult = { count: number; remaining: number; connections: MeldConnection[] } | { invalid: string };

/** Connections in creation order, with customers' Meld ids. */
export class ConnectionStore {
  readonly #connections = new Map<string, MeldConnection>();
  readonly #customers = new Map<string, string>();

  constructor(private readonly accountId: string) {}

  /** Meld's `customerId` for one of your customers: stable for the simulator's life. */
  customerIdFor(externalCustomerId: string): string {
    let id = this.#customers.get(externalCustomerId);
    if (!id) {
      id = randomId('cus_');
      this.#customers.set(externalCustomerId, id);
    }
    return id;
  }

  /** Validates a seed and stores the connection it describes. */
  add(seed: SimulatedConnectionSeed, where = 'addConnection'): MeldConnection {
    if (typeof seed !== 'object' || seed === null) {
      throw new MeldTestingError('invalid-option', `${where} needs a connection such as { externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED' }.`);
    }
    const { externalCustomerId } = seed;
    if (typeof externalCustomerId !== 'string' || externalCustomerId.length === 0 || externalCustomerId.length > 256) {
      throw new MeldTestingError(
        'invalid-option',
        `${where}: every connection needs an externalCustomerId (your id for its customer, what your authorize returns), e.g. { externalCustomerId: 'user_1' }.`,
      );
    }
    const id = seed.id ?? randomId();
    if (typeof id !== 'string' || !ID.test(id)) {
      throw new MeldTestingError('invalid-option', `${where}: a connection id is 1 to 128 letters, digits or . : @ _ -, not ${JSON.stringify(id)}.`);
    }
    if (this.#connections.has(id)) {
      throw new MeldTestingError('duplicate-connection', `${where}: a connection ${id} exists already; give each connection its own id (or leave id out for a random one).`);
    }
    const status = seed.status ?? 'ACTIVE';
    checkStatus(status, seed.statusReason, `${where} (${id})`);
    const statusReason = seed.statusReason === undefined ? defaultReason(status) : seed.statusReason;
    const institutionName = seed.institutionName ?? DEFAULT_INSTITUTION;
    const createdAt = seed.createdAt ?? new Date().toISOString();
    const neverAggregated = status === 'IN_PROGRESS' || status === 'EXPIRED';
    const connection: MeldConnection = {
      id,
      accountId: this.accountId,
      customerId: this.customerIdFor(externalCustomerId),
      externalCustomerId,
      institutionId: seed.institutionId ?? institutionIdFor(institutionName),
      institutionName,
      status,
      statusReason,
      products: [...(seed.products ?? ['BALANCES', 'TRANSACTIONS'])],
      optionalProducts: [],
      regions: ['US'],
      serviceProviderDetails: seed.serviceProviderDetails === undefined ? { serviceProvider: 'SIMULATOR' } : seed.serviceProviderDetails,
      createdAt,
      successfullyAggregatedAt: seed.successfullyAggregatedAt !== undefined ? seed.successfullyAggregatedAt : neverAggregated ? null : createdAt,
      duplicateConnectionIds: seed.duplicateConnectionIds ?? null,
      activeDuplicateConnectionId: seed.activeDuplicateConnectionId ?? null,
    };
    if (typeof seed.institutionMessage === 'string' && seed.institutionMessage.length > 0) connection.institutionMessage = seed.institutionMessage;
    this.#connections.set(id, connection);
    return connection;
  }

  /** The stored connection itself (mutable; callers inside the simulator only). */
  get(id: string): MeldConnection | undefined {
    return this.#connections.get(id);
  }

  /** The stored connection, or a typed error naming the id. */
  require(id: string, where: string): MeldConnection {
    const connection = typeof id === 'string' ? this.#connections.get(id) : undefined;
    if (!connection) {
      throw new MeldTestingError('unknown-connection', `${where}: no connection ${JSON.stringify(id)}; the simulator has ${this.#connections.size === 0 ? 'none' : [...this.#connections.keys()].slice(0, 10).join(', ')}.`);
    }
    return connection;
  }

  all(): MeldConnection[] {
    return [...this.#connections.values()];
  }

  clear(): void {
    this.#connections.clear();
  }

  /** `GET /bank-linking/connections`: filters, then the page after the `after` cursor. */
  page(query: URLSearchParams): PageResult {
    const limitText = query.get('limit');
    const limit = limitText === null ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return { invalid: 'limit must be an integer from 1 to 100.' };
    const customer = query.get('externalCustomerId');
    const statuses = query
      .getAll('statuses')
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter(Boolean);
    const matching = this.all().filter(
      (c) => (customer === null || c.externalCustomerId === customer) && (statuses.length === 0 || statuses.includes(c.status)),
    );
    const after = query.get('after');
    let start = 0;
    if (after !== null) {
      const at = matching.findIndex((c) => c.id === after);
      if (at === -1) return { invalid: `after must be the id of a connection of the previous page; ${after} is not one.` };
      start = at + 1;
    }
    const connections = matching.slice(start, start + limit).map(copyConnection);
    return { count: connections.length, remaining: matching.length - start - connections.length, connections };
  }
}

/** A deep copy: what leaves the simulator can never change its state. */
export function copyConnection(connection: MeldConnection): MeldConnection {
  return structuredClone(connection);
}
