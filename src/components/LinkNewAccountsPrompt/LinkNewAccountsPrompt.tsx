import { createPromptParts, type PromptRootProps } from '../../promptParts/PromptParts.js';

export type LinkNewAccountsPromptProps = PromptRootProps;

/**
 * An optional, dismissible prompt shown only for ACTIVE +
 * NEW_ACCOUNTS_AVAILABLE: "Add new accounts" runs the same reconnect flow
 * (Meld's repair session), so the customer can pick the new accounts.
 * Same compound parts as {@link ReconnectBanner}.
 *
 * @example
 * <LinkNewAccountsPrompt connectionId="conn_123" />
 */
export const LinkNewAccountsPrompt = createPromptParts('LinkNewAccountsPrompt', 'new-accounts', 'mrk-new-accounts', 'new-accounts');
