import { warnOnce } from '../core/dev.js';
import { errorResponse, routeNotFound } from './httpResponses.js';

// A route of the contract at the end of a path: what is before it is where the contract is mounted.
const CONTRACT_ROUTE = /^(.*?)(\/connections(?:\/[^/]+(?:\/(?:repair|refresh|update))?)?|\/events|\/repair-links\/redeem)\/*$/;

function isDevelopment(): boolean {
  return typeof process === 'undefined' || process.env.NODE_ENV !== 'production';
}

/** `basePath` as written in the options (`''` for the root). */
const shown = (path: string) => `'${path}'`;

/** Why no route matched, and the fix, for a developer. Exported for tests. Internal. */
export function explainUnmatched(method: string, path: string, basePath: string): string {
  const arrived = `${method} ${path.length > 200 ? `${path.slice(0, 200)}...` : path} arrived, but basePath is ${shown(basePath)}`;
  const mountedAt = CONTRACT_ROUTE.exec(path)?.[1];
  if (mountedAt === undefined || mountedAt === basePath) {
    return `${arrived}: no route of the contract matches (GET /connections, GET /connections/:id, POST /connections/:id/repair|refresh|update, DELETE /connections/:id, GET /events under basePath).`;
  }
  // The request names a route of the contract, under another prefix than basePath.
  const how =
    basePath.endsWith(mountedAt)
      ? `Something in front of the handler removed ${shown(basePath.slice(0, basePath.length - mountedAt.length))} from the path (a router that strips its mount path): ` +
        `set basePath: ${shown(mountedAt)}, or pass the full URL. toNodeHandler under Express keeps the mount path (req.originalUrl), so app.use(${shown(basePath)}, toNodeHandler(handler)) works with basePath ${shown(basePath)}.`
      : `The contract is mounted at ${shown(mountedAt)}: set basePath: ${shown(mountedAt)}, the same path as the browser's baseUrl ` +
        `(toNodeHandler under Express passes the full path, req.originalUrl, so basePath is app.use's mount path).`;
  return `${arrived}. ${how}`;
}

/**
 * The 404 for a path no route matches. In production, the contract's plain
 * `NOT_FOUND`; in development (NODE_ENV not 'production') its message, and a
 * console warning once, say which path arrived, the configured `basePath`, and
 * the fix: a `basePath` mistake otherwise answers a bare 404. Internal.
 */
export function unmatchedRoute(method: string, path: string, basePath: string): Response {
  if (!isDevelopment()) return routeNotFound();
  const message = explainUnmatched(method.toUpperCase(), path, basePath);
  warnOnce(() => [`server:unmatched:${basePath}:${CONTRACT_ROUTE.exec(path)?.[1] ?? path}`.slice(0, 300), `meld-reconnect-kit/server: ${message}`]);
  return errorResponse(404, { code: 'NOT_FOUND', message: `No such route. ${message} (This explanation shows in development only.)` });
}
