// A client that streams a large body to a loopback server the way an attacker
// would: chunked, as fast as the server takes it, until the answer arrives.
import { request as httpRequest } from 'node:http';

export interface UploadResult {
  /** undefined when the connection failed before an answer. */
  status: number | undefined;
  body: string;
  /** Bytes handed to the socket before the answer (the kernel's buffers hold some of them). */
  written: number;
}

/** POSTs up to `total` bytes (64 KiB chunks, with backpressure) and stops writing as soon as the answer arrives. */
export function upload(url: string, total: number, headers: Record<string, string> = {}): Promise<UploadResult> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return new Promise((resolve) => {
    let written = 0;
    let answered = false;
    const req = httpRequest(url, { method: 'POST', headers });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8').on('data', (text: string) => (body += text));
      res.on('end', () => resolve({ status: res.statusCode, body, written }));
    });
    req.on('error', () => resolve({ status: undefined, body: '', written }));
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.byteLength;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/**
 * What Node itself reads ahead of the kit: the request's 16 KiB high-water
 * mark and the socket reads in flight (64 KiB each). A bound for "read no
 * more than the cap" on a real socket.
 */
export const NODE_READ_AHEAD = 512 * 1024;
