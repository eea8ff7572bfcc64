import { createPromptParts, type PromptRootProps } from '../../promptParts/PromptParts.js';

export type ReconnectBannerProps = PromptRootProps;

/**
 * The prompt for a connection that needs the customer, decided from Meld's
 * status table: reconnect (RECONNECT_REQUIRED, and softer for
 * ACCESS_EXPIRING_SOON), the bank's own message with "I've done this"
 * (INSTITUTION_ACTION_REQUIRED), refresh then reconnect (partial data),
 * "try again later" while the bank repairs its integration, "connect again"
 * or "connect another bank" where repair cannot help (calls the provider's
 * `onStartNewConnection`), an optional line for temporary outages
 * (`showOutages`), and the reconnect flow's states. Renders nothing for
 * healthy, in-progress and new-accounts connections.
 *
 * Compound parts (`ReconnectBanner.Root`, `.Icon`, `.Message`, `.Actions`,
 * `.Action`, `.Dismiss`) rearrange the markup; `useReconnectPrompt` serves
 * fully custom markup.
 *
 * @example
 * <ReconnectBanner connectionId="conn_123" />
 */
export const ReconnectBanner = createPromptParts('ReconnectBanner', 'banner', 'mrk-banner', 'banner');
