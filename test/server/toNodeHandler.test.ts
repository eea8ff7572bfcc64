import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeHandler, type NodeHandler } from '../../src/server/index.js';
import { NODE_READ_AHEAD, upload } from './helpers/upload.js';

let server: Server | undefined;

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(listener);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** Mounts like Express' app.use(path, handler): strips the mount path from req.url, keeps originalUrl. */
function expressLike(mount: string, handler: NodeHandler, before?: (req: IncomingMessage & { body?: unknown }) => Promise<void>) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const original = req.url ?? '/';
    Object.assign(req, { originalUrl: original, url: original.slice(mount.length) || '/' });
    await before?.(req);
    handler(req, res, (error?: unknown) => {
      res.writeHead(599, { 'content-type': 'text/plain' });
      res.end(`next: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
}

describe('toNodeHandler', () => {
  it('should pass method, URL, headers and body to the handler, and status, headers and body back', async () => {
    let seen: { method: string; url: string; headers: Record<string, string>; body: string } | undefined;
    const url = await listen(
      toNodeHandler(async (request) => {
        seen = { method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() };
        const headers = new Headers({ 'content-type': 'application/json', 'x-one': 'a' });
        headers.append('set-cookie', 'a=1; Path=/');
        headers.append('set-cookie', 'b=2; Path=/');
        return new Response(JSON.stringify({ ok: true }), { status: 202, headers });
      }),
    );
    const response = await fetch(`${url}/api/meld/connections/c1/update?x=1`, { method: 'POST', headers: { 'x-user': 'alice', 'content-type': 'application/json' }, body: '{"products":["OWNERS"]}' });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-one')).toBe('a');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    await expect(response.json()).resolves.toEqual({ ok: true });
    expect(seen).toMatchObject({ method: 'POST', url: `${url}/api/meld/connections/c1/update?x=1`, body: '{"products":["OWNERS"]}' });
    expect(seen!.headers['x-user']).toBe('alice');
  });

  it("given an Express-style mount, should route on the full path (req.originalUrl)", async () => {
    let path = '';
    const url = await listen(expressLike('/api/meld', toNodeHandler(async (request) => ((path = new URL(request.url).pathname), new Response(null, { status: 204 })))));
    expect((await fetch(`${url}/api/meld/connections`)).status).toBe(204);
    expect(path).toBe('/api/meld/connections');
  });

  it('given a body a parser already turned into an object, should pass an error naming the fix to next()', async () => {
    const url = await listen(
      expressLike('/api/meld', toNodeHandler(async () => new Response('unreachable')), async (req) => {
        for await (const chunk of req) void chunk;
        req.body = { parsed: true };
      }),
    );
    const response = await fetch(`${url}/api/meld/webhooks`, { method: 'POST', body: '{"parsed":true}' });
    expect(response.status).toBe(599);
    expect(await response.text()).toMatch(/before body parsers.*express\.raw/);
  });

  it('given a raw body kept by express.raw (a Buffer), should use it', async () => {
    let body = '';
    const url = await listen(
      expressLike('/hooks', toNodeHandler(async (request) => ((body = await request.text()), new Response('ok'))), async (req) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        req.body = Buffer.concat(chunks);
      }),
    );
    await fetch(`${url}/hooks`, { method: 'POST', body: 'raw bytes \u00e9' });
    expect(body).toBe('raw bytes \u00e9');
  });

  it('given a body over maxBodyBytes, should answer 413 without calling the handler', async () => {
    let called = false;
    const url = await listen(toNodeHandler(async () => ((called = true), new Response('x')), { maxBodyBytes: 1000 }));
    const response = await fetch(`${url}/x`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(response.status).toBe(413);
    expect(called).toBe(false);
  });

  describe('a large upload (issue 13, item 2): nothing buffered ahead of the handler', () => {
    const MiB = 1024 * 1024;
    let socket: Socket | undefined;
    /** Bytes the server read from the client's socket; checks nothing more comes in once the answer is out. */
    async function serverRead(): Promise<number> {
      const before = socket!.bytesRead;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(socket!.bytesRead).toBe(before);
      return before;
    }
    async function listenCounting(node: NodeHandler) {
      return listen((req, res) => {
        socket = req.socket;
        node(req, res);
      });
    }

    it('given a handler that answers without reading a 16 MiB chunked upload, should deliver its answer having read no more than Node reads ahead, and close instead of draining', async () => {
      let calls = 0;
      const url = await listenCounting(toNodeHandler(async () => ((calls += 1), new Response('{"code":"CONNECTION_NOT_FOUND"}', { status: 404 }))));
      const answer = await upload(`${url}/api/meld/connections/x/update`, 16 * MiB);
      expect(answer.status).toBe(404);
      expect(calls).toBe(1);
      expect(await serverRead()).toBeLessThan(NODE_READ_AHEAD);
    });

    it('given a handler that reads a chunked upload past maxBodyBytes, should answer 413 having read at most the limit plus what Node reads ahead', async () => {
      const errors: unknown[] = [];
      let read = 0;
      const url = await listenCounting(
        toNodeHandler(
          async (request) => {
            const reader = request.body!.getReader();
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              read += value.byteLength;
            }
            return new Response('unreachable');
          },
          { maxBodyBytes: 64 * 1024, onError: (error) => errors.push(error) },
        ),
      );
      const answer = await upload(`${url}/hooks`, 16 * MiB);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(read).toBeLessThanOrEqual(64 * 1024);
      expect(await serverRead()).toBeLessThan(64 * 1024 + NODE_READ_AHEAD);
    });

    it('given a Content-Length over maxBodyBytes, should answer 413 without calling the handler or reading the body', async () => {
      let called = false;
      const url = await listenCounting(toNodeHandler(async () => ((called = true), new Response('x')), { maxBodyBytes: 1000 }));
      const answer = await upload(`${url}/x`, 16 * MiB, { 'content-length': String(16 * MiB) });
      expect(answer.status).toBe(413);
      expect(called).toBe(false);
      expect(await serverRead()).toBeLessThan(NODE_READ_AHEAD);
    });

    it('given a body within the limit that the handler reads, should keep the connection alive', async () => {
      const url = await listenCounting(toNodeHandler(async (request) => new Response(String((await request.text()).length))));
      const first = await fetch(`${url}/x`, { method: 'POST', body: 'a'.repeat(100_000) });
      expect(await first.text()).toBe('100000');
      expect(first.headers.get('connection')).toBe('keep-alive');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(socket!.destroyed).toBe(false);
    });
  });

  it('given the handler throws, should answer 500 JSON and report it', async () => {
    const errors: unknown[] = [];
    const url = await listen(toNodeHandler(async () => Promise.reject(new Error('boom')), { onError: (e) => errors.push(e) }));
    const response = await fetch(`${url}/x`);
    expect(response.status).toBe(500);
    await expect(response.json()).resolves.toEqual({ code: 'INTERNAL', message: expect.any(String) });
    expect(String(errors[0])).toMatch(/boom/);
  });

  it('given a large streamed answer, should deliver every byte (backpressure)', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    const url = await listen(
      toNodeHandler(async () => {
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent++ < 128) controller.enqueue(chunk);
            else controller.close();
          },
        });
        return new Response(body);
      }),
    );
    const response = await fetch(`${url}/big`);
    expect((await response.arrayBuffer()).byteLength).toBe(128 * 64 * 1024);
  });

  it('given the client goes away mid-stream, should abort the request signal and cancel the body', async () => {
    let aborted = false;
    let cancelled = false;
    const url = await listen(
      toNodeHandler(async (request) => {
        request.signal.addEventListener('abort', () => (aborted = true));
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(new TextEncoder().encode(': hello\n\n')),
          cancel: () => void (cancelled = true),
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${url}/events`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    const started = Date.now();
    while (!(aborted && cancelled) && Date.now() - started < 2000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect({ aborted, cancelled }).toEqual({ aborted: true, cancelled: true });
  });

  it('given no handler, should throw an error that names the fix', () => {
    expect(() => toNodeHandler(undefined as never)).toThrow(/toNodeHandler\(createReconnectHandler/);
  });
});
