import { useEffect } from 'react';
import type { ReconnectController } from '../core/createReconnectController.js';
import { hasPendingRedirect, takeRedirectState } from '../core/redirectState.js';

/**
 * Back from redirect mode: the customer left for Meld's widget from this page;
 * verify the repair where they left off. The saved state is taken once, so one
 * view of the connection resumes it. Internal.
 */
export function useResumeAfterRedirect(controller: ReconnectController): void {
  useEffect(() => {
    // The cheap check first: one storage read per task, however many prompts mount.
    if (hasPendingRedirect(controller.connectionId) && takeRedirectState(controller.connectionId)) controller.resume();
  }, [controller]);
}
