export { RepairLinkLanding, type RepairLinkLandingProps } from './RepairLinkLanding.js';
