import type { StatusDecision } from './getStatusDecision.js';
import type { Renewal } from './getRenewal.js';
import type { PromptVariant } from './reconnectMachine.js';
import type { PromptKind } from './statuses.js';

/** Whether the status table asks this kind of prompt to show anything (before dismissals and flows). */
export function isPromptDue(prompt: PromptKind, variant: PromptVariant, showOutages: boolean | undefined): boolean {
  if (prompt === 'none' || prompt === 'in-progress' || prompt === 'unknown') return false;
  if (variant === 'new-accounts') return prompt === 'new-accounts';
  return prompt !== 'new-accounts' && (prompt !== 'temporary-outage' || Boolean(showOutages));
}

/**
 * Whether a healthy ACTIVE connection's renewal is close enough for the
 * host's early prompt (`renewal-due`): the host asked for one `promptDays`
 * days before `renewBy`, and a date is known. Meld's own ACCESS_EXPIRING_SOON
 * is the table's `expiring-soon`, not this. Banner prompts only.
 */
export function isRenewalPromptDue(
  decision: Pick<StatusDecision, 'known' | 'status' | 'prompt'>,
  variant: PromptVariant,
  renewal: Pick<Renewal, 'daysLeft'> | undefined,
  promptDays: number | undefined,
): boolean {
  // An ACTIVE status with a reason the kit does not know reads as healthy ACTIVE (known: false): no renewal prompt for it.
  return variant === 'banner' && decision.known && decision.status === 'ACTIVE' && decision.prompt === 'none' && (renewal?.daysLeft ?? Infinity) <= (promptDays ?? -Infinity);
}
