// The launcher lives in core (framework-free, reachable from `meld-reconnect-kit/core`).
export * from '../core/openMeldWidget.js';
