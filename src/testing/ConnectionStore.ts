// The simulator's connections: seeds with Meld's defaults, and the list
// endpoint's filters and cursor.
import type { MeldConnection } from '../server/meldTypes.js';
import { MeldTestingError } from './MeldTestingError.js';
import type { SimulatedConnectionSeed } from './simulatorTypes.js';
import { detailsForStatus, initialProviderDetails } from './providerDetails.js';
import { checkStatus, defaultReason, MELD_DEFAULT_PRODUCTS, randomId } from './statusRules.js';

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
  // id -> position in the list (creation order), and key -> position for cursors
  readonly #order = new Map<string, number>();
  readonly #positions = new Map<string, number>();
  #next = 0;

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
      products: [...(seed.products ?? MELD_DEFAULT_PRODUCTS)],
      optionalProducts: [],
      regions: ['US'],
      serviceProviderDetails:
        seed.serviceProviderDetails === undefined
          ? detailsForStatus(initialProviderDetails(), status, statusReason, seed.institutionMessage || undefined)
          : seed.institutionMessage
            ? detailsForStatus(seed.serviceProviderDetails, status, statusReason, seed.institutionMessage)
            : seed.serviceProviderDetails,
      createdAt,
      successfullyAggregatedAt: seed.successfullyAggregatedAt !== undefined ? seed.successfullyAggregatedAt : neverAggregated ? null : createdAt,
      duplicateConnectionIds: seed.duplicateConnectionIds ?? null,
      activeDuplicateConnectionId: seed.activeDuplicateConnectionId ?? null,
    };
    this.#connections.set(id, connection);
    const position = this.#next++;
    this.#order.set(id, position);
    this.#positions.set(positionKey(position), position);
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
    this.#order.clear();
    this.#positions.clear();
  }

  /**
   * `GET /bank-linking/connections` as Meld's OpenAPI describes it: the
   * filters, then one page before or after a cursor. The cursor is a listed
   * connection's `key` (its position in the list), never its id. `limit`
   * defaults to 10 (1 to 100). Listed connections carry their `key`; a
   * connection read on its own does not.
   */
  page(query: URLSearchParams): PageResult {
    const limitText = query.get('limit');
    const limit = limitText === null ? DEFAULT_PAGE_SIZE : Number(limitText);
    if (!/^\d+$/.test(limitText ?? '10') || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      return { invalid: `limit must be an integer from 1 to ${MAX_PAGE_SIZE}.` };
    }
    const before = query.get('before');
    const after = query.get('after');
    if (before !== null && after !== null) return { invalid: 'before and after cannot be used in the same request.' };
    const startDate = dateFilter(query.get('startDate'));
    const endDate = dateFilter(query.get('endDate'));
    if (startDate === INVALID || endDate === INVALID) return { invalid: 'startDate and endDate are dates of the form yyyy-mm-dd.' };

    const list = (name: string) =>
      query
        .getAll(name)
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter(Boolean);
    const customerId = query.get('customerId');
    const externalCustomerId = query.get('externalCustomerId');
    const institutionId = query.get('institutionId');
    // Meld: "If institutionId is present then institutionId will take precedence."
    const institutionName = institutionId === null ? query.get('institutionName')?.toLowerCase() : undefined;
    const statuses = list('statuses');
    const providers = list('serviceProviders').map((p) => p.toUpperCase());

    const matching = this.all().filter((c) => {
      if (customerId !== null && c.customerId !== customerId) return false;
      if (externalCustomerId !== null && c.externalCustomerId !== externalCustomerId) return false;
      if (institutionId !== null && c.institutionId !== institutionId) return false;
      if (institutionName !== undefined && c.institutionName?.toLowerCase() !== institutionName) return false;
      if (statuses.length > 0 && !statuses.includes(c.status)) return false;
      if (providers.length > 0 && !providers.includes(String(c.serviceProviderDetails?.serviceProvider ?? '').toUpperCase())) return false;
      const created = (c.createdAt ?? '').slice(0, 10);
      if (startDate !== undefined && created < startDate) return false;
      if (endDate !== undefined && created > endDate) return false;
      return true;
    });

    const cursor = before ?? after;
    let first = 0;
    let last = matching.length; // exclusive
    if (cursor !== null) {
      const position = this.#positions.get(cursor);
      if (position === undefined) {
        return { invalid: `${before !== null ? 'before' : 'after'} must be the key of a listed connection (its position in the list); ${cursor.slice(0, 64)} is not one.` };
      }
      // The first matching connection at or after the cursor's position (before), or after it (after).
      const from = (test: (at: number) => boolean) => {
        const index = matching.findIndex((c) => test(this.#position(c)));
        return index === -1 ? matching.length : index;
      };
      if (before !== null) last = from((at) => at >= position);
      else first = from((at) => at > position);
    }
    const pageStart = before !== null ? Math.max(first, last - limit) : first;
    const pageEnd = before !== null ? last : Math.min(last, first + limit);
    const connections = matching.slice(pageStart, pageEnd).map((c) => ({ ...copyConnection(c), key: this.#keyOf(c) }));
    // "Number of remaining connections before/after this page, depending on the direction this page was selected."
    const remaining = before !== null ? pageStart : matching.length - pageEnd;
    return { count: connections.length, remaining, connections };
  }

  #position(connection: MeldConnection): number {
    return this.#order.get(connection.id) ?? Number.MAX_SAFE_INTEGER;
  }

  #keyOf(connection: MeldConnection): string {
    return positionKey(this.#position(connection));
  }
}

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;
const INVALID = Symbol('invalid');

function dateFilter(value: string | null): string | undefined | typeof INVALID {
  if (value === null) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? value : INVALID;
}

/** A listed connection's `key`: opaque, and never an id, so a cursor that is an id is refused as Meld would. */
function positionKey(position: number): string {
  return `pk${position.toString(36).padStart(6, '0')}`;
}

/** A deep copy: what leaves the simulator can never change its state. */
export function copyConnection(connection: MeldConnection): MeldConnection {
  return structuredClone(connection);
}
