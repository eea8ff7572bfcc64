import type { MeldSimulator } from '../src/testing/index.js';
import type { DEMO_IDS } from './connections.js';
import type { BackendRequest, DemoConfig } from './types.js';

/** The demo backend (demo/server.ts), as far as tests and benchmarks use it. */
export interface DemoBackendHandle {
  readonly simulator: MeldSimulator;
  /** Where the simulator sends webhooks: the backend's createWebhookHandler. */
  readonly webhookUrl: string;
  readonly config: DemoConfig;
  requests(): BackendRequest[];
  reset(): void;
  close(): Promise<void>;
}

export interface StartDemoOptions {
  /** The app's port on 127.0.0.1. Defaults to 5173 when free, else any free port; 0 always picks a free one. */
  port?: number | undefined;
  /** Ports of the simulator's API and widget page (default: free ones). */
  simulatorPort?: number | undefined;
  widgetPort?: number | undefined;
  /** Vite prints only errors. Defaults to true. */
  quiet?: boolean | undefined;
  /** One line per webhook and new connection. Defaults to false. */
  verbose?: boolean | undefined;
  /** `dev`: Vite's dev middleware (default). `build`: a production bundle, built once (benchmarks). */
  app?: 'dev' | 'build' | undefined;
  /** Watch files and hot-reload the page (npm start). Defaults to false. */
  watch?: boolean | undefined;
  /** Repair limit per connection; `false` for none (benchmarks). Defaults to 20 per 10 minutes. */
  repairRateLimit?: { limit: number; windowMs: number } | false | undefined;
  /** Vite's dependency cache, under node_modules/.vite/. Defaults to `demo`. */
  cacheDir?: string | undefined;
}

export interface Demo {
  /** The app, e.g. `http://127.0.0.1:5173/`. */
  readonly url: string;
  /** The simulator's control page. */
  readonly controlUrl: string;
  readonly simulator: MeldSimulator;
  readonly backend: DemoBackendHandle;
  /** Ids of the demo's connections by role (`loginRequired`, `healthy`, ...). */
  readonly ids: typeof DEMO_IDS;
  /** What the demo backend answered, oldest first (since the last reset). */
  requests(): BackendRequest[];
  /** The simulator back to the demo's connections; the backend's messages and repair limits forgotten. */
  reset(): void;
  /** Closes the app server, the backend's streams, the simulator and Vite. Safe to call twice. */
  close(): Promise<void>;
}

export declare const kitAliases: Array<{ find: RegExp; replacement: string }>;

/** Starts the simulator, the demo backend and the demo app on 127.0.0.1. */
export declare function startDemo(options?: StartDemoOptions): Promise<Demo>;
