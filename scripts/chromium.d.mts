/** The path of a usable Chromium, or undefined. Does not install anything. */
export function findChromium(env?: NodeJS.ProcessEnv): string | undefined;
/** Finds Chromium, installing Debian's package when allowed; exits the process with one line otherwise. */
export function ensureChromium(): string;
/** Launch flags for a headless Chromium on a closed network as root. */
export const CHROMIUM_ARGS: string[];
