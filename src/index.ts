'use client';
/**
 * `meld-reconnect-kit`: the React entry. Re-exports everything from
 * `meld-reconnect-kit/core` (the widget launcher included); React hooks and
 * components join it as they land.
 *
 * @packageDocumentation
 */
export * from './core/index.js';
export * from './hooks/index.js';
export { defaultMessages, formatMessage, type MessageKey, type Messages } from './i18n/messages.js';
export * from './components/index.js';
export { es } from './i18n/es.js';
