// A Server-Sent Events client over node:http for the tests: parses events as
// a browser's EventSource does (id, data, retry, comments), and waits for them.
import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
  receivedAt: number;
}

export interface SseClient {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body when the answer was not a stream. */
  text(): Promise<string>;
  events: SseEvent[];
  comments: number;
  retry: number | undefined;
  /** Resolves with the next event matching `predicate` (one already received counts). */
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  waitForCount(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let raw = '';
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      const isStream = (res.headers['content-type'] ?? '').startsWith('text/event-stream');
      const client: SseClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => ended.then(() => raw),
        events,
        comments: 0,
        retry: undefined,
        ended,
        waitFor(predicate, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const found = events.find(predicate);
              if (found) {
                waiters.delete(check);
                clearTimeout(timer);
                ok(found);
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no matching SSE event within ${timeoutMs} ms (have ${events.length})`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        waitForCount(count, timeoutMs = 5000) {
          return client.waitFor(() => events.length >= count, timeoutMs).then(() => undefined);
        },
        close: () => {
          req.destroy();
          res.destroy();
        },
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!isStream) {
          raw += chunk;
          return;
        }
        buffer += chunk.replace(/\r\n?/g, '\n');
        let at: number;
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          let id: string | undefined;
          let event: string | undefined;
          const data: string[] = [];
          let sawComment = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) sawComment = true;
            else if (line.startsWith('id:')) id = line.slice(3).trimStart();
            else if (line.startsWith('event:')) event = line.slice(6).trimStart();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
            else if (line.startsWith('retry:')) client.retry = Number(line.slice(6).trim());
          }
          if (sawComment) client.comments += 1;
          if (data.length > 0) {
            events.push({ id, event, data: data.join('\n'), receivedAt: performance.now() });
            for (const waiter of [...waiters]) waiter();
          }
        }
      });
      const finish = () => endResolve();
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      resolve(client);
    });
    req.on('error', reject);
    req.end();
  });
}
