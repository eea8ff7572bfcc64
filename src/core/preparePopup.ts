const POPUP_NAME = 'meld-connect';
const POPUP_FEATURES = 'popup=yes,width=420,height=720';

/**
 * Opens the window synchronously, inside the customer's click, so that popup
 * blockers let it through; navigate it later with `openMeldWidget({ mode: 'popup', popupWindow })`.
 * Returns `null` when the browser blocked it.
 *
 * Its own module so that a click handler can call it before the launcher has loaded.
 */
export function preparePopup(features = POPUP_FEATURES): Window | null {
  if (typeof window === 'undefined') return null;
  try {
    return window.open('about:blank', POPUP_NAME, features);
  } catch {
    return null;
  }
}
