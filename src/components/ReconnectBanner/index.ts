export { ReconnectBanner, type ReconnectBannerProps } from './ReconnectBanner.js';
