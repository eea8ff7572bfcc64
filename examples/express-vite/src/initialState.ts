import type { DehydratedState } from '@tanstack/react-query';

/** What server/app.js puts into the page: see initialState() there. */
export interface InitialState {
  user: { name: string } | null;
  widgetHosts: string[];
  queries: DehydratedState | undefined;
}

export function readInitialState(): InitialState {
  const text = document.getElementById('app-state')?.textContent;
  const state = (text ? JSON.parse(text) : {}) as Partial<InitialState>;
  return { user: state.user ?? null, widgetHosts: state.widgetHosts ?? [], queries: state.queries };
}
