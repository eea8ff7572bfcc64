/**
 * True in development builds. Host bundlers replace `process.env.NODE_ENV`, so
 * the warnings below vanish from production bundles; where `process` does not
 * exist at all (a browser without a bundler) this is false.
 */
export function isDevelopment(): boolean {
  try {
    return process.env.NODE_ENV !== 'production';
  } catch {
    return false;
  }
}

const warned = new Set<string>();
const MAX_REMEMBERED = 200;

/** Logs a development-only warning once per `key` (bounded, so junk input cannot grow memory). */
export function warnOnce(key: string, message: string): void {
  if (!isDevelopment() || warned.has(key)) return;
  if (warned.size < MAX_REMEMBERED) warned.add(key);
  console.warn(`[meld-reconnect-kit] ${message}`);
}
