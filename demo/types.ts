/**
 * Shapes the demo's pieces share: what the backend tells the page, and what
 * it records for tests and benchmarks. No imports, so the page, the backend
 * and the tests (whose typecheck maps no package names) can all read it.
 */

/** What the page reads at start (`GET /api/demo/config`). */
export interface DemoConfig {
  customer: { name: string };
  /** `host:port` of the simulator's widget page, for the provider's `widget.allowedHosts`. */
  widgetHosts: string[];
  simulator: { apiUrl: string; controlUrl: string };
}

/** One request the backend answered. */
export interface BackendRequest {
  method: string;
  path: string;
  status: number;
  /** From the request's arrival to the end of the answer (for /events: until the stream closed). */
  ms: number;
  at: number;
}
