import type * as Runtime from './flowRuntime.js';

type FlowRuntime = typeof Runtime;

let loading: Promise<FlowRuntime> | undefined;

/**
 * Loads the widget launcher and verification once. Prompts call it as soon as
 * they offer a reconnect, so the click itself does not wait for it; `start()`
 * calls it too, alongside the repair request. A failed load (offline) is
 * forgotten, so the next attempt tries again.
 */
export function loadFlowRuntime(): Promise<FlowRuntime> {
  loading ??= import('./flowRuntime.js').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
