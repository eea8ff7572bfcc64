// Contract tests: the simulator and createMeldClient against Meld's own
// published API. Every request createMeldClient sends and every answer the
// simulator gives is validated with Ajv against Meld's OpenAPI
// (test/fixtures/meld/banklinking-20260203.json, from meldeng/docs at
// 262a10b1); every webhook the simulator sends against the guide's examples
// (test/fixtures/meld/webhook-examples-72018e18.json). Where the test reads the
// OpenAPI differently from its letter, the reason is written next to it.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMeldClient, type MeldClient } from '../../src/server/index.js';
import { createMeldSimulator, type MeldSimulator } from '../../src/testing/index.js';
import { meldCall, meldFailure, repairSession, signIn, startReceiver, type WebhookReceiver } from './helpers.js';

type Json = Record<string, unknown>;
type Schema = Json | boolean;

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/meld/${name}`, import.meta.url), 'utf8')) as Json;
const spec = fixture('banklinking-20260203.json') as { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };
const examples = fixture('webhook-examples-72018e18.json') as Record<string, Json>;

// --- reading the OpenAPI --------------------------------------------------

const schemas = structuredClone(spec.components.schemas) as Record<string, Json & { properties?: Record<string, Json> }>;

// 1. A stray `example` inside ConnectStartRequest_2022_11_10's `properties` (an
//    array where a schema belongs: the products example, misplaced). Dropped.
delete schemas.ConnectStartRequest_2022_11_10!.properties!.example;

// 2. Fields Meld's own text says can be null, typed plain `string`/`array` in
//    the schema: activeDuplicateConnectionId ("If the connection has no
//    duplicates, then this will be null"), successfullyAggregatedAt ("null
//    until the first aggregation is completed"), statusReason (seed 001 and
//    the STATUS_CHANGE example: null for a status without a reason),
//    duplicateConnectionIds (null beside a null activeDuplicateConnectionId in
//    Meld's connection samples), serviceProviderDetails ("may be null").
const NULLABLE: Record<string, readonly string[]> = {
  Connection: ['activeDuplicateConnectionId', 'successfullyAggregatedAt', 'statusReason', 'duplicateConnectionIds', 'serviceProviderDetails'],
  ConnectionRefreshResponse: ['serviceProviderDetails'],
};
for (const [name, fields] of Object.entries(NULLABLE)) {
  for (const field of fields) {
    const property = schemas[name]!.properties![field]!;
    schemas[name]!.properties![field] = { anyOf: [property, { type: 'null' }] };
  }
}

// 3. The OpenAPI allows any extra property (no additionalProperties). The
//    simulator must send nothing Meld does not: closed here.
for (const name of ['Connection', 'ConnectionPage', 'ConnectRepairResponse', 'ConnectStartResponse', 'ConnectionAddProductsResponse', 'ConnectionRefreshResponse', 'ErrorResponse']) {
  schemas[name]!.additionalProperties = false;
}
// Requests too: the client sends only what the request schemas name.
for (const name of ['ConnectRepairRequest', 'ConnectStartRequest_2022_11_10', 'ConnectionAddProductsRequest', 'ConnectionRefreshRequest_2022_11_10']) {
  schemas[name]!.additionalProperties = false;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'meld', components: { schemas } });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
let checks = 0;

/** Validates `value` against a schema; fails with Ajv's errors. */
function expectValid(schema: Schema, value: unknown, label: string): void {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ajv.compile(typeof schema === 'boolean' ? schema : { ...schema })));
  checks += 1;
  expect(validate(value) ? [] : validate.errors, `${label}: ${JSON.stringify(value).slice(0, 300)}`).toEqual([]);
}

const ref = (name: string): Json => ({ $ref: `meld#/components/schemas/${name}` });
const listedConnection: Json = { allOf: [ref('Connection'), { required: ['key'] }] };

/** The OpenAPI operation a request is for, or undefined. */
function operationFor(method: string, path: string): { template: string; operation: Json } | undefined {
  for (const [template, methods] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = methods[method.toLowerCase()];
    if (pattern.test(path) && operation) return { template, operation };
  }
  return undefined;
}

function responseSchema(operation: Json, status: number): Schema | undefined {
  const responses = operation.responses as Record<string, { content?: Record<string, { schema?: Json }> }>;
  const content = responses[String(status)]?.content;
  const schema = content && Object.values(content)[0]?.schema;
  if (!schema) return undefined;
  const name = String(schema.$ref).split('/').at(-1)!;
  return name === 'ConnectionPage' ? { allOf: [ref('ConnectionPage'), { properties: { connections: { items: listedConnection } } }] } : ref(name);
}

// --- what crosses the wire ------------------------------------------------

interface Exchange {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
  status: number;
  answer: unknown;
}

let sim: MeldSimulator;
let receiver: WebhookReceiver;
let exchanges: Exchange[];
let client: MeldClient;

/** fetch that records what createMeldClient sent and what came back. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const text = await response.clone().text();
  exchanges.push({
    method: init?.method ?? 'GET',
    url: new URL(String(input)),
    headers: new Headers(init?.headers),
    body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    status: response.status,
    answer: text === '' ? undefined : JSON.parse(text),
  });
  return response;
};

/** Checks one exchange: the request against the operation, the answer against its response schema. */
function expectExchange(exchange: Exchange): void {
  const label = `${exchange.method} ${exchange.url.pathname}${exchange.url.search}`;
  const found = operationFor(exchange.method, exchange.url.pathname);
  expect(found, `${label} is an operation of Meld's OpenAPI`).toBeDefined();
  const { operation } = found!;
  // Headers: ApiKeyAuth ("BASIC <Meld API Key>") and the version.
  expect(exchange.headers.get('authorization'), label).toMatch(/^BASIC \S+$/);
  expect(exchange.headers.get('meld-version'), label).toBe('2026-02-03');
  // Query: only the operation's parameters, each valid against its schema.
  const parameters = (operation.parameters ?? []) as Array<{ name: string; in: string; schema: Json }>;
  for (const [name, value] of exchange.url.searchParams) {
    const parameter = parameters.find((p) => p.in === 'query' && p.name === name);
    expect(parameter, `${label}: query parameter ${name} is declared`).toBeDefined();
    const typed = parameter!.schema.type === 'integer' ? Number(value) : value;
    expectValid(parameter!.schema, typed, `${label}: ${name}`);
  }
  expect(exchange.url.searchParams.has('before') && exchange.url.searchParams.has('after'), `${label}: never before and after together`).toBe(false);
  const limit = exchange.url.searchParams.get('limit');
  if (limit !== null) expect(Number(limit), `${label}: limit 1..100`).toSatisfy((n: number) => n >= 1 && n <= 100);
  // Body: the request schema; a required body is always sent.
  const requestBody = operation.requestBody as { required?: boolean; content: Record<string, { schema: Json }> } | undefined;
  if (requestBody) {
    if (requestBody.required) expect(exchange.body, `${label}: the body is required`).toBeDefined();
    expect(exchange.headers.get('content-type'), label).toBe('application/json');
    const name = String(requestBody.content['application/json']!.schema.$ref).split('/').at(-1)!;
    expectValid(ref(name), exchange.body, `${label} request`);
  } else {
    expect(exchange.body, `${label}: no body`).toBeUndefined();
  }
  // Answer: the success schema, or Meld's error envelope.
  if (exchange.status >= 400) {
    expectValid(ref('ErrorResponse'), exchange.answer, `${label} ${exchange.status}`);
    expect(exchange.answer, label).toMatchObject({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String), timestamp: expect.any(String) });
    return;
  }
  const declared = Object.keys(operation.responses as Json).filter((s) => s.startsWith('2'));
  expect(declared, `${label}: ${exchange.status} is a declared success`).toContain(String(exchange.status));
  const schema = responseSchema(operation, exchange.status);
  if (schema) expectValid(schema, exchange.answer, `${label} ${exchange.status}`);
  else expect(exchange.answer, `${label}: ${exchange.status} has no body`).toBeUndefined();
}

const SEEDS = [
  { id: 'conn_login', externalCustomerId: 'user_1', status: 'RECONNECT_REQUIRED', statusReason: 'LOGIN_REQUIRED', institutionName: 'Harbor Credit Union' },
  { id: 'conn_ok', externalCustomerId: 'user_1' },
  { id: 'conn_action', externalCustomerId: 'user_1', status: 'DEGRADED', statusReason: 'INSTITUTION_ACTION_REQUIRED', institutionMessage: 'Approve access in the app.' },
  { id: 'conn_main', externalCustomerId: 'user_2', duplicateConnectionIds: ['conn_dup'], activeDuplicateConnectionId: 'conn_main', serviceProviderDetails: { serviceProvider: 'MX' } },
  { id: 'conn_dup', externalCustomerId: 'user_2', status: 'PARTIALLY_ACTIVE', statusReason: 'INACTIVE_DUPLICATE', duplicateConnectionIds: ['conn_main'], activeDuplicateConnectionId: 'conn_main', serviceProviderDetails: { serviceProvider: 'MX' } },
  { id: 'conn_expired', externalCustomerId: 'user_1', status: 'EXPIRED', createdAt: '2026-01-05T10:00:00Z' },
  ...Array.from({ length: 23 }, (_, i) => ({ id: `conn_p${String(i).padStart(2, '0')}`, externalCustomerId: 'pager', createdAt: `2026-02-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z` })),
];

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await createMeldSimulator({ connections: SEEDS, webhookUrl: receiver.url });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
  // Every test above adds to it; a run that checks nothing fails here.
  expect(checks).toBeGreaterThan(100);
});
beforeEach(() => {
  sim.reset();
  receiver.received.length = 0;
  exchanges = [];
  client = createMeldClient({ apiKey: sim.apiKey, baseUrl: sim.url, retries: 0, fetch: recordingFetch });
});

describe("createMeldClient and the simulator, against Meld's OpenAPI", () => {
  it('every operation the kit uses: requests as the OpenAPI declares them, answers in its schemas', async () => {
    await client.getConnection('conn_login');
    await client.getConnection('conn_action');
    await client.repairConnection('conn_login');
    await client.startConnection({ externalCustomerId: 'user_9' });
    await client.startConnection({ externalCustomerId: 'user_9', products: ['BALANCES'], optionalProducts: ['OWNERS'], institutionId: 'ins_harbor_credit_union', redirectUrl: 'https://app.example/back' });
    await client.refreshConnection('conn_ok');
    await client.refreshConnection('conn_ok', { products: ['BALANCES'] });
    await client.updateConnectionProducts('conn_ok', ['INVESTMENT_HOLDINGS']);
    await client.deleteConnection('conn_ok');
    expect(exchanges.map((e) => `${e.method} ${e.url.pathname} ${e.status}`)).toEqual([
      'GET /bank-linking/connections/conn_login 200',
      'GET /bank-linking/connections/conn_action 200',
      'POST /bank-linking/connect/repair 201',
      'POST /bank-linking/connect/start 201',
      'POST /bank-linking/connect/start 201',
      'POST /bank-linking/connections/conn_ok/refresh 202',
      'POST /bank-linking/connections/conn_ok/refresh 202',
      'POST /bank-linking/connections/conn_ok/update 202',
      'DELETE /bank-linking/connections/conn_ok 204',
    ]);
    for (const exchange of exchanges) expectExchange(exchange);
    // The duplicate promotion's answer and its connections too.
    await client.refreshConnection('conn_dup');
    await sim.settled();
    for (const id of ['conn_dup', 'conn_main']) await client.getConnection(id);
    for (const exchange of exchanges) expectExchange(exchange);
  });

  it('the list: paging forwards and backwards over 3+ pages, and every filter, all valid', async () => {
    const forwards = await client.listAllConnections({ externalCustomerId: 'pager', pageSize: 7 });
    expect(forwards).toHaveLength(23);
    const backwards = await client.listAllConnections({ externalCustomerId: 'pager', pageSize: 7, before: forwards.at(-1)!.key! });
    expect(backwards.map((c) => c.id)).toEqual(forwards.slice(0, 22).map((c) => c.id));
    expect(exchanges.filter((e) => e.url.searchParams.has('after'))).toHaveLength(3);
    expect(exchanges.filter((e) => e.url.searchParams.has('before'))).toHaveLength(4);
    const user1 = sim.getConnection('conn_login')!.customerId!;
    const filtered = [
      { customerId: user1 },
      { externalCustomerId: 'user_1', statuses: ['RECONNECT_REQUIRED', 'DEGRADED'] },
      { institutionId: 'ins_harbor_credit_union' },
      { institutionName: 'First Simulated Bank' },
      { serviceProviders: ['MX'] },
      { startDate: '2026-02-03', endDate: '2026-02-10' },
      { limit: 1 },
      {},
    ];
    for (const params of filtered) await client.listConnections(params);
    expect(exchanges.every((e) => e.status === 200)).toBe(true);
    for (const exchange of exchanges) expectExchange(exchange);
    const counts = exchanges.slice(-filtered.length).map((e) => (e.answer as { count: number }).count);
    expect(counts).toEqual([4, 2, 1, 10, 2, 8, 1, 10]);
  });

  it('refusals: 400, 401, 404 and 409 in the error envelope the OpenAPI declares', async () => {
    await meldFailure(client.getConnection('conn_nope'));
    await meldFailure(client.repairConnection('conn_expired'));
    await meldFailure(client.refreshConnection('conn_login'));
    await meldFailure(client.updateConnectionProducts('conn_ok', ['BALANCES']));
    await meldFailure(client.listConnections({ after: 'conn_ok' }));
    await meldFailure(createMeldClient({ apiKey: 'wrong_key', baseUrl: sim.url, fetch: recordingFetch }).getConnection('conn_ok'));
    await client.deleteConnection('conn_ok');
    await meldFailure(client.deleteConnection('conn_ok'));
    expect(exchanges.map((e) => e.status)).toEqual([404, 409, 409, 400, 400, 401, 204, 409]);
    for (const exchange of exchanges) expectExchange(exchange);
    // Straight to the simulator: a request the client would never send.
    for (const [method, path, body] of [
      ['POST', '/bank-linking/connect/repair', {}],
      ['POST', '/bank-linking/connect/start', { products: ['CRYPTO'] }],
      ['GET', '/bank-linking/connections?limit=500', undefined],
    ] as const) {
      const answer = await meldCall(sim, method, path, body);
      expect(answer.status).toBe(400);
      expectValid(ref('ErrorResponse'), answer.json, `${method} ${path}`);
    }
  });
});

// --- webhooks against the guide's examples -----------------------------------

/**
 * A schema of an example's shape: the same keys (no more, none missing) and
 * the same JSON types, recursively; `null` in the example also allows a
 * string (a reason, a message), and a status reason may be null;
 * `serviceProviderDetails` is provider-specific (any object, or null).
 */
function shapeOf(example: unknown, key = ''): Json {
  if (key === 'serviceProviderDetails') return { type: ['object', 'null'] };
  // The example's newStatusReason is a string and its oldStatusReason null: a reason is either.
  if (/StatusReason$/.test(key)) return { type: ['string', 'null'] };
  if (example === null) return { type: ['null', 'string'] };
  if (Array.isArray(example)) return example.length === 0 ? { type: 'array' } : { type: 'array', items: shapeOf(example[0]) };
  if (typeof example === 'object') {
    const properties = Object.fromEntries(Object.entries(example as Json).map(([k, v]) => [k, shapeOf(v, k)]));
    return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
  }
  return { type: typeof example === 'number' ? 'number' : typeof example };
}

const ENVELOPE: Json = {
  type: 'object',
  properties: {
    eventType: { type: 'string', pattern: '^BANK_LINKING_[A-Z_]+$' },
    eventId: { type: 'string', minLength: 1 },
    timestamp: { type: 'string', format: 'date-time' },
    accountId: { type: 'string' },
    // The attribute table: a String (the WEBHOOK_TEST sample's null is not sent for these events).
    profileId: { type: 'string' },
    version: { type: 'string', format: 'date' },
    payload: { type: 'object' },
  },
  required: ['eventType', 'eventId', 'timestamp', 'accountId', 'profileId', 'version', 'payload'],
  additionalProperties: false,
};

/** Events the guides list without an example payload: the ids every connection event carries, nothing else. */
const UNDOCUMENTED: Json = {
  type: 'object',
  properties: { customerId: { type: 'string' }, externalCustomerId: { type: 'string' }, connectionId: { type: 'string' }, institutionId: { type: 'string' } },
  required: ['customerId', 'externalCustomerId', 'connectionId'],
  additionalProperties: false,
};

describe("the simulator's webhooks, against the guide's examples", () => {
  it('the examples themselves pass the checks (the shapes are read right)', () => {
    expect(Object.keys(examples).sort()).toEqual([
      'BANK_LINKING_ACCOUNTS_REMOVED',
      'BANK_LINKING_ACCOUNTS_UPDATED',
      'BANK_LINKING_ACCOUNTS_UPDATING',
      'BANK_LINKING_CONNECTION_COMPLETED',
      'BANK_LINKING_CONNECTION_STATUS_CHANGE',
      'BANK_LINKING_HISTORICAL_TRANSACTIONS_AGGREGATED',
      'BANK_LINKING_TRANSACTIONS_AGGREGATED',
    ]);
    for (const [type, example] of Object.entries(examples)) {
      // Two examples (the transactions events) leave profileId out: the envelope check is for what the simulator sends.
      if ('profileId' in example) expectValid(ENVELOPE, example, type);
      expectValid(shapeOf(example.payload), example.payload, `${type} payload`);
    }
  });

  it('every event of a repair, a refresh, a promotion, a deletion and the status events: envelope and payload as the guide shows them', async () => {
    const { token } = await repairSession(sim, 'conn_login');
    await signIn(sim, token);
    const start = await meldCall(sim, 'POST', '/bank-linking/connect/start', { externalCustomerId: 'user_7', institutionId: 'ins_harbor_credit_union' });
    await signIn(sim, start.json.connectToken as string);
    await meldCall(sim, 'POST', '/bank-linking/connections/conn_ok/refresh', {});
    await meldCall(sim, 'POST', '/bank-linking/connections/conn_dup/refresh', {});
    await meldCall(sim, 'DELETE', '/bank-linking/connections/conn_expired');
    await sim.setStatus('conn_ok', 'DEGRADED', 'INSTITUTION_ACTION_REQUIRED', { institutionMessage: 'Approve it in the app.' });
    await sim.setStatus('conn_ok', 'ACTIVE', 'NEW_ACCOUNTS_AVAILABLE');
    await sim.setStatus('conn_ok', 'CUSTOMER_ACTION_REQUIRED', null);
    await sim.settled();
    const sent = receiver.received.map((w) => w.json as Json);
    const types = new Set(sent.map((w) => w.eventType));
    expect([...types].sort()).toEqual([
      'BANK_LINKING_ACCOUNTS_REMOVED',
      'BANK_LINKING_ACCOUNTS_UPDATED',
      'BANK_LINKING_ACCOUNTS_UPDATING',
      'BANK_LINKING_CONNECTION_COMPLETED',
      'BANK_LINKING_CONNECTION_DELETED',
      'BANK_LINKING_CONNECTION_STATUS_CHANGE',
      'BANK_LINKING_CUSTOMER_ACTION_REQUIRED',
      'BANK_LINKING_NEW_ACCOUNTS_AVAILABLE',
    ]);
    for (const webhook of sent) {
      const type = webhook.eventType as string;
      expectValid(ENVELOPE, webhook, type);
      const example = examples[type];
      expectValid(example ? shapeOf(example.payload) : UNDOCUMENTED, webhook.payload, `${type} payload`);
    }
    // ACCOUNTS_REMOVED "will always be issued following" CONNECTION_DELETED.
    const deleted = sent.filter((w) => (w.payload as Json).connectionId === 'conn_expired').map((w) => w.eventType);
    expect(deleted).toEqual(['BANK_LINKING_CONNECTION_DELETED', 'BANK_LINKING_ACCOUNTS_REMOVED']);
    // Providers are Meld's (the OpenAPI's enums), never a made-up one.
    const providers = sent.map((w) => ((w.payload as Json).serviceProviderDetails as Json | undefined)?.serviceProvider).filter((p) => p !== undefined);
    expect(providers.length).toBeGreaterThan(10);
    for (const provider of providers) expect(['PLAID', 'MX', 'FINICITY', 'AKOYA', 'YODLEE', 'MESH', 'TELLER']).toContain(provider);
  });
});
