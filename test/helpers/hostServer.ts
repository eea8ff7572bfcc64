// An MSW server speaking the host endpoint contract, with per-route request
// counts, for the jsdom tests. Handlers can be overridden per test.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Connection } from '../../src/core/index.js';

export const BASE = 'http://host.test/api/meld';

export interface HostFake {
  connections: Map<string, Connection>;
  counts: Map<string, number>;
  count(route: string): number;
}

export const fake: HostFake = {
  connections: new Map(),
  counts: new Map(),
  count(route) {
    return this.counts.get(route) ?? 0;
  },
};

function hit(route: string) {
  fake.counts.set(route, fake.count(route) + 1);
}

export const server = setupServer(
  http.get(`${BASE}/connections`, () => {
    hit('GET /connections');
    return HttpResponse.json({ connections: [...fake.connections.values()] });
  }),
  http.get(`${BASE}/connections/:id`, ({ params }) => {
    hit(`GET /connections/${params.id}`);
    const connection = fake.connections.get(String(params.id));
    return connection
      ? HttpResponse.json(connection)
      : HttpResponse.json({ code: 'CONNECTION_NOT_FOUND', message: 'No such connection' }, { status: 404 });
  }),
  http.post(`${BASE}/connections/:id/repair`, async ({ params }) => {
    hit(`POST /connections/${params.id}/repair`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return HttpResponse.json(
      {
        connectionId: params.id,
        connectToken: `tok_${fake.count(`POST /connections/${params.id}/repair`)}`,
        widgetUrl: `https://institution-connect-sb.meld.io/?connectToken=tok`,
      },
      { status: 201 },
    );
  }),
  http.post(`${BASE}/connections/:id/refresh`, ({ params }) => {
    hit(`POST /connections/${params.id}/refresh`);
    return HttpResponse.json({ requestId: 'req_refresh' }, { status: 202 });
  }),
  http.post(`${BASE}/connections/:id/update`, ({ params }) => {
    hit(`POST /connections/${params.id}/update`);
    return HttpResponse.json({ requestId: 'req_update' }, { status: 202 });
  }),
  http.delete(`${BASE}/connections/:id`, ({ params }) => {
    hit(`DELETE /connections/${params.id}`);
    return new HttpResponse(null, { status: 204 });
  }),
);

export function resetFake(connections: Connection[] = []) {
  fake.connections = new Map(connections.map((c) => [c.id, c]));
  fake.counts = new Map();
}
