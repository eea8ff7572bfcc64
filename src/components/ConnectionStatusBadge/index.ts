export { ConnectionStatusBadge, type ConnectionStatusBadgeProps } from './ConnectionStatusBadge.js';
