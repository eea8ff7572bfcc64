// Signed webhook requests as Meld sends them, signed here with node:crypto
// directly (not with the kit's signMeldWebhook), so verification is checked
// against an independent signer.
import { createHmac } from 'node:crypto';

export const SECRET = 'whsec_test_secret_for_meld';
export const WEBHOOK_URL = 'https://host.example/api/meld/webhooks';

export function sign(secret: string, url: string, timestamp: string, body: string): string {
  const base64 = createHmac('sha256', secret).update(`${timestamp}.${url}.${body}`).digest('base64');
  return base64.replace(/\+/g, '-').replace(/\//g, '_');
}

let seq = 0;

export interface StatusChange {
  connectionId: string;
  externalCustomerId?: string | undefined;
  newStatus: string;
  newStatusReason?: string | null;
  oldStatus?: string;
  [field: string]: unknown;
}

/** Meld's envelope around a STATUS_CHANGE payload. */
export function statusChange(payload: StatusChange, eventId = `evt_${++seq}_${Date.now()}`) {
  return {
    eventType: 'BANK_LINKING_CONNECTION_STATUS_CHANGE',
    eventId,
    timestamp: new Date().toISOString(),
    accountId: 'acct_host_1',
    profileId: null,
    version: '2026-02-03',
    payload: {
      customerId: 'cus_1',
      institutionId: 'inst_1',
      oldStatus: 'ACTIVE',
      oldStatusReason: null,
      newStatusReason: null,
      activeDuplicateConnectionId: null,
      serviceProviderDetails: { serviceProvider: 'MX' },
      ...payload,
    },
  };
}

export interface SignedOptions {
  secret?: string;
  url?: string;
  timestamp?: string;
  /** Sent to this URL (defaults to `url`). */
  target?: string;
  signature?: string;
}

/** A POST as Meld sends it: raw JSON body, `meld-signature` and `meld-signature-timestamp`. */
export function signedRequest(envelope: unknown, options: SignedOptions = {}): Request {
  const body = typeof envelope === 'string' ? envelope : JSON.stringify(envelope);
  const url = options.url ?? WEBHOOK_URL;
  const timestamp = options.timestamp ?? new Date().toISOString();
  return new Request(options.target ?? url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'meld-signature': options.signature ?? sign(options.secret ?? SECRET, url, timestamp, body),
      'meld-signature-timestamp': timestamp,
    },
    body,
  });
}
