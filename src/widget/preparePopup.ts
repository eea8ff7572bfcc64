// Lives in core with the launcher.
export * from '../core/preparePopup.js';
