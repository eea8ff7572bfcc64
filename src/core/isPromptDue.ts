import type { PromptVariant } from './reconnectMachine.js';
import type { PromptKind } from './statuses.js';

/** Whether the status table asks this kind of prompt to show anything (before dismissals and flows). */
export function isPromptDue(prompt: PromptKind, variant: PromptVariant, showOutages: boolean | undefined): boolean {
  if (prompt === 'none' || prompt === 'in-progress' || prompt === 'unknown') return false;
  if (variant === 'new-accounts') return prompt === 'new-accounts';
  return prompt !== 'new-accounts' && (prompt !== 'temporary-outage' || Boolean(showOutages));
}
