// Serves a fetch-standard handler on 127.0.0.1 through toNodeHandler.
import { createServer, type Server } from 'node:http';
import { toNodeHandler } from '../../../src/server/index.js';

export interface Served {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function serve(handler: (request: Request) => Promise<Response>): Promise<Served> {
  const server = createServer(toNodeHandler(handler, { onError: () => {} }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
