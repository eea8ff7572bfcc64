import type { IncomingMessage, ServerResponse } from 'node:http';

/** Options for {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * Larger request bodies are refused with 413: at once when `Content-Length`
   * says so (the handler is not called), else as soon as the bytes read pass
   * it. The body reaches the handler as a stream it reads only if it wants to
   * (so a route that refuses first reads nothing); an unread body is never
   * drained, the connection is closed after the answer. Defaults to 1 MiB.
   */
  maxBodyBytes?: number | undefined;
  /** Errors the handler threw (it answers 500 when it still can). Defaults to `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
}

/** A Node `http` / Express request listener; `next` receives setup errors under Express. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void;

type MaybeExpressRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

const PARSED_BODY =
  'meld-reconnect-kit/server: toNodeHandler received a body another middleware already parsed (express.json()?). Mount the kit\'s handlers before body parsers, or use express.raw({ type: "*/*" }) for them: webhook signatures need the raw bytes.';

class BodyTooLarge extends Error {}

/** The bytes a middleware already read (express.raw, express.text), or undefined when the body is still unread. */
function parsedBody(request: MaybeExpressRequest): Uint8Array | undefined {
  if (request.body === undefined || !request.readableEnded) return undefined;
  // Already read by a middleware: usable only if it kept the raw bytes.
  if (typeof request.body === 'string') return Buffer.from(request.body, 'utf8');
  if (request.body instanceof Uint8Array) return request.body;
  throw new TypeError(PARSED_BODY);
}

/**
 * The request body as a stream the handler pulls: nothing is read from the
 * socket until the handler asks, one chunk per read, and the stream errors
 * (and `onTooLarge` runs) once more than `max` bytes came in.
 */
function bodyStream(request: IncomingMessage, max: number, onTooLarge: () => void): ReadableStream<Uint8Array> {
  let size = 0;
  let detach = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const onData = (chunk: Buffer | string) => {
          const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          size += buffer.byteLength;
          if (size > max) {
            detach();
            onTooLarge();
            controller.error(new BodyTooLarge(`The request body is over ${max} bytes.`));
            return;
          }
          controller.enqueue(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
          // One chunk per read: wait for the next pull.
          request.pause();
        };
        const onEnd = () => {
          detach();
          controller.close();
        };
        const onClose = () => {
          detach();
          controller.error(new Error('The client went away before its body ended.'));
        };
        const onError = (error: unknown) => {
          detach();
          controller.error(error);
        };
        detach = () => {
          request.off('data', onData);
          request.off('end', onEnd);
          request.off('close', onClose);
          request.off('error', onError);
          request.pause();
        };
        request.pause();
        request.on('data', onData);
        request.once('end', onEnd);
        request.once('close', onClose);
        request.once('error', onError);
      },
      pull() {
        request.resume();
      },
      cancel() {
        detach();
      },
    },
    // Nothing is pulled ahead of a read.
    { highWaterMark: 0 },
  );
}

function declaredLength(request: IncomingMessage): number | undefined {
  const value = request.headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // a header fetch cannot represent: leave it out
    }
  }
  return headers;
}

function origin(request: IncomingMessage): string {
  const scheme = (request.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http';
  const host = request.headers.host;
  return host && /^[\w.:[\]-]+$/.test(host) ? `${scheme}://${host}` : `${scheme}://localhost`;
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // Streams (SSE) go out as they are written: no waiting for a buffer to fill.
  res.flushHeaders();
  const reader = response.body.getReader();
  const onClose = () => void reader.cancel().catch(() => undefined);
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.once('drain', go);
          res.once('close', go);
        });
      }
      if (res.destroyed) break;
    }
  } catch {
    // the stream errored (a client that fell behind) or was cancelled: end the response
  } finally {
    res.off('close', onClose);
    if (!res.destroyed) res.end();
  }
}

/**
 * Adapts a fetch-standard handler (`createReconnectHandler`,
 * `createWebhookHandler`) to Node's `http.createServer` and Express. Keeps
 * Express' mount path (`req.originalUrl`), so `basePath` is the full path;
 * streams the answer (SSE) with backpressure and aborts the `Request`'s
 * signal when the client goes away. Mount it before any body parser:
 * webhook signatures need the raw bytes.
 *
 * @example
 * app.use('/api/meld', toNodeHandler(reconnectHandler));  // Express
 * http.createServer(toNodeHandler(reconnectHandler)).listen(3000); // node:http
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>, options: NodeHandlerOptions = {}): NodeHandler {
  if (typeof handler !== 'function') {
    throw new TypeError('meld-reconnect-kit/server: toNodeHandler needs a handler, e.g. toNodeHandler(createReconnectHandler({ ... })).');
  }
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const onError = options.onError ?? ((error: unknown) => console.error('[meld-reconnect-kit]', error));

  return (req, res, next) => {
    const request = req as MaybeExpressRequest;
    const aborter = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    void (async () => {
      const method = (request.method ?? 'GET').toUpperCase();
      const tooLarge = () => {
        res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
        res.end(JSON.stringify({ code: 'PAYLOAD_TOO_LARGE', message: `Bodies are limited to ${maxBodyBytes} bytes.` }));
      };
      let body: Uint8Array | ReadableStream<Uint8Array> | undefined;
      let overLimit = false;
      if (method !== 'GET' && method !== 'HEAD') {
        try {
          body = parsedBody(request);
        } catch (error) {
          if (next) return next(error);
          onError(error);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ code: 'INTERNAL', message: 'Something went wrong on our side.' }));
          return;
        }
        if (body === undefined) {
          // Refused before a byte is read when the client says it is too large.
          if ((declaredLength(request) ?? 0) > maxBodyBytes) return tooLarge();
          body = bodyStream(request, maxBodyBytes, () => (overLimit = true));
        } else if (body.byteLength > maxBodyBytes) {
          return tooLarge();
        }
      }
      const fetchRequest = new Request(new URL(request.originalUrl ?? request.url ?? '/', origin(request)), {
        method,
        headers: toHeaders(request),
        signal: aborter.signal,
        ...(body === undefined ? {} : { body: body as Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>, duplex: 'half' }),
      } as RequestInit);
      let response: Response;
      try {
        response = await handler(fetchRequest);
      } catch (error) {
        onError(error);
        response = new Response(JSON.stringify({ code: 'INTERNAL', message: 'Something went wrong on our side.' }), {
          status: 500,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        });
      }
      if (res.destroyed) {
        await response.body?.cancel().catch(() => undefined);
        return;
      }
      if (overLimit) {
        // Whatever the handler made of a body that broke off, the client sent too much.
        await response.body?.cancel().catch(() => undefined);
        return tooLarge();
      }
      // A body the handler did not read to the end is not drained: the connection closes after the answer.
      if (body !== undefined && !request.complete) res.setHeader('connection', 'close');
      await send(response, res);
    })().catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}
