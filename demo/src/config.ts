import type { DemoConfig } from '../types.js';

export type { DemoConfig };

/** What the demo backend tells the page at start: the customer, the widget's host, the simulator's URLs. */
export async function loadDemoConfig(): Promise<DemoConfig> {
  const response = await fetch('/api/demo/config', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /api/demo/config answered ${response.status}`);
  return (await response.json()) as DemoConfig;
}
