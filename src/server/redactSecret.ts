// Keeps a secret (the Meld API key) out of the errors the kit creates: a
// fetch that refuses a header quotes it (`Headers.append: "BASIC <key>" is an
// invalid header value`), and those errors end up in logs.

const REDACTED = '[redacted]';
/** How deep a `cause` chain is copied; deeper links are dropped. */
const MAX_DEPTH = 8;

/** A header value may carry printable ASCII only; the key also may not hold a space. */
export function isHeaderToken(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value);
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** What the secret can look like in a message: as is, percent-encoded, in base64. */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), base64(secret), base64(`${secret}:`)]);
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
}

/** `text` with every form of the secret replaced by `[redacted]`. */
export function redactText(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) out = out.split(form).join(REDACTED);
  return out;
}

function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/**
 * A copy of `error` that cannot reveal the secret: an `Error` becomes a plain
 * `Error` with the same `name`, `message`, `code`, `stack` and `cause` chain
 * (each redacted; other properties, which may hold request headers, are
 * dropped); anything else becomes its redacted string.
 */
export function redactError(error: unknown, forms: readonly string[], depth = 0): unknown {
  if (!(error instanceof Error)) {
    if (error === undefined || error === null || typeof error === 'number' || typeof error === 'boolean') return error;
    return redactText(describe(error), forms);
  }
  const copy = new Error(redactText(describe(error.message), forms));
  copy.name = redactText(describe(error.name), forms);
  if (typeof error.stack === 'string') copy.stack = redactText(error.stack, forms);
  else delete copy.stack;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code: typeof code === 'string' ? redactText(code, forms) : code });
  if (error.cause !== undefined && depth < MAX_DEPTH) copy.cause = redactError(error.cause, forms, depth + 1);
  if (error instanceof AggregateError && depth < MAX_DEPTH) {
    Object.defineProperty(copy, 'errors', { value: error.errors.map((inner: unknown) => redactError(inner, forms, depth + 1)), enumerable: false });
  }
  return copy;
}
