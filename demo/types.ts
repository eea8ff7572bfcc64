/**
 * Shapes the demo's pieces share: what the backend tells the page, and what
 * it records for tests and benchmarks. No imports, so the page, the backend
 * and the tests (whose typecheck maps no package names) can all read it.
 */

/** What the page reads at start (`GET /api/demo/config`). */
export interface DemoConfig {
  /** Everyone who can sign in (the demo's sign-in screen offers each). */
  customers: DemoCustomerInfo[];
  /** `host:port` of the simulator's widget page, for the provider's `widget.allowedHosts`. */
  widgetHosts: string[];
  simulator: { apiUrl: string; controlUrl: string };
}

/** One request the backend answered. */
export interface BackendRequest {
  method: string;
  path: string;
  status: number;
  /** From the request's arrival to the end of the answer (for /events: until the stream closed). */
  ms: number;
  at: number;
}

/** A customer as the page's sign-in screen and Outbox show them. */
export interface DemoCustomerInfo {
  key: 'alex' | 'sam';
  name: string;
}

/** `GET /api/demo/session`: who this browser is signed in as (the demo's session cookie). */
export interface DemoSession {
  customer: DemoCustomerInfo | null;
}

/** A move of the Outbox's clock: back to real time, forward by hours, or to a moment. */
export type OutboxClockChange = { real: true } | { advanceHours: number } | { at: number };

/** A message the planner plans, as the Outbox shows it. */
export interface OutboxMessage {
  /** `connectionId#step`. */
  id: string;
  customerName: string;
  /** The e-mail address, or who sees it in the app. */
  to: string;
  connectionId: string;
  institutionName: string;
  kind: string;
  channel: string;
  step: number;
  /** ISO instant. */
  sendAt: string;
  /** The same in the customer's zone, e.g. `2026-12-04 08:00 (Europe/London)`. */
  sendAtLocal: string;
  due: boolean;
  /** Why a message that is not due waits. */
  heldBy?: 'quiet-hours' | 'cap' | 'ladder';
  locale: string;
  subject: string;
  text: string;
  /** The signed repair link in the text. */
  link?: string;
}

/** A message the demo's "mailer" sent. */
export interface SentMail extends OutboxMessage {
  sentAt: string;
}

/** `GET /api/demo/outbox`. */
export interface OutboxView {
  now: string;
  clock: 'real' | 'simulated';
  customers: Array<{ name: string; email: string; timeZone: string; locale: string; localTime: string }>;
  policy: {
    escalation: ReadonlyArray<{ channel: string; afterDays: number }>;
    cap: { max: number; windowHours: number };
    quietHours: { start: string; end: string };
    minHoursBetweenSteps: number;
  };
  planned: OutboxMessage[];
  /** Newest first. */
  sent: SentMail[];
}
