import { lazy, Suspense, useEffect, useReducer, useState, type HTMLAttributes } from 'react';
import { readLandedConnectionId } from '../../core/landedConnection.js';
import { hasPendingRedirect } from '../../core/redirectPending.js';
import { withoutParam } from '../../core/repairLinkUrl.js';
import { useReconnectKit } from '../../hooks/ReconnectKitContext.js';
import { useHydrated } from '../../hooks/useHydrated.js';
import type { UseRepairLinkOptions } from '../../hooks/useRepairLink.js';
import type { PromptRootProps } from '../../promptParts/PromptParts.js';
import type { RepairLinkLandingView as RepairLinkLandingViewType } from './RepairLinkLandingView.js';

export type RepairLinkLandingProps = Omit<HTMLAttributes<HTMLElement>, 'children' | 'autoFocus'> &
  UseRepairLinkOptions &
  Pick<PromptRootProps, 'onStartNewConnection' | 'renewal' | 'renewalPromptDays'> & {
    /** Drops the kit's class names; data attributes stay for your own CSS. */
    unstyled?: boolean | undefined;
    /**
     * Moves focus to the landing's heading when it appears, unless the customer
     * has already put focus somewhere. Defaults to `true`: the customer came to
     * this page for it.
     */
    autoFocus?: boolean | undefined;
  };

type View = typeof RepairLinkLandingViewType;
/** Once loaded, the view renders directly in landings mounted later: it decides for itself from then on. */
let LoadedView: View | undefined;
const LazyView = lazy(() =>
  import('./RepairLinkLandingView.js').then((m) => {
    LoadedView = m.RepairLinkLandingView;
    return { default: m.RepairLinkLandingView };
  }),
);

/** Whether this page may have a landing: a link in the address, or redirect mode's return to a landed connection. */
function mayLand(param: string): boolean {
  if (LoadedView !== undefined || withoutParam(window.location.search, param).value !== undefined) return true;
  const landed = readLandedConnectionId();
  return landed !== undefined && hasPendingRedirect(landed);
}

/**
 * Where a customer lands from a repair link the host sent (an e-mail linking
 * to the host's page with `?meld_repair=<token>`), after the host's sign-in.
 * Nothing when the page has no link. Otherwise a region with a heading (focus
 * moves to it) that says the link is opening, then shows that connection's
 * prompt with its one action (the widget opens only from the customer's click),
 * or "already connected" when it needs nothing, or that the link can no longer
 * be used (never why, nor whether the connection exists), or what failed with
 * "Try again" when asking again can help. Works in the three widget modes; in
 * redirect mode it comes back, with the connection's resumed prompt, when the
 * page reloads on the way back from Meld's widget.
 *
 * Light until there is a link: the landing itself loads on demand, as a
 * prompt's view does. `useRepairLink` serves markup of your own.
 *
 * @example
 * <RepairLinkLanding />
 */
export function RepairLinkLanding(props: RepairLinkLandingProps) {
  useReconnectKit('RepairLinkLanding');
  const hydrated = useHydrated();
  const param = props.param ?? 'meld_repair';
  // A router's navigation re-renders the page; the back and forward buttons do not: look again then.
  const [, lookAgain] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!hydrated) return;
    window.addEventListener('popstate', lookAgain);
    return () => window.removeEventListener('popstate', lookAgain);
  }, [hydrated]);
  // The server cannot see the address or the session: nothing until hydrated.
  const due = hydrated && mayLand(param);
  const [engaged, setEngaged] = useState(due);
  // Chosen once, as a prompt's gate does: switching from the lazy wrapper to the loaded view would remount it.
  const [Direct] = useState(() => (hydrated ? LoadedView : undefined));
  if (due && !engaged) setEngaged(true);
  if (!engaged && !due) return null;
  if (Direct) return <Direct {...props} />;
  return (
    <Suspense fallback={null}>
      <LazyView {...props} />
    </Suspense>
  );
}
