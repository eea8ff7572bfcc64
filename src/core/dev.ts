const warned = new Set<string>();
const MAX_REMEMBERED = 200;

/**
 * Logs a development-only warning once per key. `describe` runs only in
 * development and returns `[key, message]`.
 *
 * The guard is written so that host bundlers, which replace
 * `process.env.NODE_ENV`, fold it and drop the whole warning from production
 * bundles; where `process` does not exist at all (a page with no bundler) it
 * stays silent. The set of keys is bounded so that junk input cannot grow memory.
 */
export function warnOnce(describe: () => readonly [key: string, message: string]): void {
  try {
    if (process.env.NODE_ENV === 'production') return;
  } catch {
    return;
  }
  const [key, message] = describe();
  if (warned.has(key)) return;
  if (warned.size < MAX_REMEMBERED) warned.add(key);
  console.warn(`[meld-reconnect-kit] ${message}`);
}
