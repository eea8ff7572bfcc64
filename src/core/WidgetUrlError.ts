/** Why a widget URL was refused. */
export type WidgetUrlErrorKind =
  | 'not-a-string'
  | 'whitespace'
  | 'relative'
  | 'malformed'
  | 'protocol'
  | 'insecure'
  | 'credentials'
  | 'host';

/** @deprecated Use {@link WidgetUrlErrorKind}. */
export type WidgetUrlProblem = WidgetUrlErrorKind;

/**
 * A widget URL the kit refuses to open. Check with `instanceof WidgetUrlError`
 * and branch on `kind`. `url` is cut to 200 characters.
 */
export class WidgetUrlError extends Error {
  override readonly name = 'WidgetUrlError';
  readonly kind: WidgetUrlErrorKind;
  /** @deprecated Use `kind` (the same value). */
  readonly problem: WidgetUrlErrorKind;
  readonly url: string;

  constructor(kind: WidgetUrlErrorKind, url: string, detail: string) {
    super(`meld-reconnect-kit: refused to open the widget URL ${JSON.stringify(url)}: ${detail}`);
    this.kind = this.problem = kind;
    this.url = url;
  }
}
