export { LinkNewAccountsPrompt, type LinkNewAccountsPromptProps } from './LinkNewAccountsPrompt.js';
