// Lives in core with the launcher.
export * from '../core/redirectState.js';
