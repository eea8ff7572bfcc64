export * from './ReconnectBanner/index.js';
export * from './LinkNewAccountsPrompt/index.js';
export * from './ConnectionStatusBadge/index.js';
export * from './ConnectionHealthList/index.js';
export * from './MeldWidgetDialog/index.js';
export * from './RepairLinkLanding/index.js';
export type { PromptRootProps } from '../promptParts/PromptParts.js';
