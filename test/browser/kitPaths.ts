// Where kitPages.ts (Node) serves its pages on the test page's origin; shared with the tests (browser).
export const RELAY_PATH = '/__kit/widget-relay';
export const KIT_HOST_PATH = '/__kit/host.html';
/** A host page rendering RepairLinkLanding (query: host, the loopback host's URL; mode, the widget mode). */
export const LANDING_PATH = '/__kit/landing.html';
