import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type HTMLAttributes } from 'react';
import { getStatusDecision } from '../../core/getStatusDecision.js';
import { PROMPT_STATE_INFO } from '../../core/promptStates.js';
import type { ReconnectSnapshot } from '../../core/reconnectMachine.js';
import type { Severity } from '../../core/statuses.js';
import type { Connection } from '../../core/types.js';
import { formatMessage, messageLookup } from '../../i18n/messages.js';
import { listMessages } from '../../i18n/listMessages.js';
import { promptMessages } from '../../i18n/promptMessages.js';
import { useConnections } from '../../hooks/useConnections.js';
import { useReconnectKit } from '../../hooks/ReconnectKitContext.js';
import { getRegistry, type ReconnectRegistry } from '../../hooks/reconnectRegistry.js';
import { ConnectionStatusBadge } from '../ConnectionStatusBadge/ConnectionStatusBadge.js';
import { cx } from '../../promptParts/PromptParts.js';
import { ReconnectBanner } from '../ReconnectBanner/ReconnectBanner.js';

const RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1, none: 0 };
const QUEUEABLE = new Set(['reconnect', 'expiring-soon']);
const RECONNECT_OFFER = PROMPT_STATE_INFO.reconnect.offers[0];
const ENDED = new Set(['verified', 'still-broken', 'unconfirmed', 'cancelled', 'failed']);

export type ConnectionHealthListProps = Omit<HTMLAttributes<HTMLElement>, 'children'> & {
  /** Show temporary outages as informational items. Defaults to `false`. */
  showOutages?: boolean | undefined;
  unstyled?: boolean | undefined;
};

/** Connections that need attention, most urgent first (customer must act, then severity). */
export function connectionsNeedingAttention(connections: readonly Connection[], showOutages = false): Connection[] {
  return connections
    .map((connection) => ({ connection, decision: getStatusDecision(connection.status, connection.statusReason) }))
    .filter(({ decision }) => {
      if (decision.prompt === 'temporary-outage') return showOutages;
      return !['none', 'in-progress', 'new-accounts', 'unknown'].includes(decision.prompt);
    })
    .sort(
      (a, b) =>
        Number(b.decision.customerMustAct) - Number(a.decision.customerMustAct) ||
        RANK[b.decision.severity] - RANK[a.decision.severity],
    )
    .map(({ connection }) => connection);
}

/** Whether a connection's prompt still has the customer's own work on screen (a flow or a refresh, or their result). */
function hasWorkOnScreen(snapshot: ReconnectSnapshot | undefined): boolean {
  return snapshot !== undefined && ((snapshot.flow.status !== 'idle' && snapshot.flow.status !== 'cancelled') || snapshot.refresh.status !== 'idle');
}

/** Of `ids`, those whose engine has work on screen, as one string (stable while nothing changes). */
function useWorkOnScreen(registry: ReconnectRegistry, ids: readonly string[]): ReadonlySet<string> {
  const key = ids.join('\n');
  const subscribe = useCallback(
    (listener: () => void) => {
      const stops = key === '' ? [] : key.split('\n').map((id) => registry.peek(id)?.subscribe(listener));
      return () => stops.forEach((stop) => stop?.());
    },
    [registry, key],
  );
  const busy = useSyncExternalStore(
    subscribe,
    () => ids.filter((id) => hasWorkOnScreen(registry.peek(id)?.getSnapshot())).join('\n'),
    () => '',
  );
  return new Set(busy === '' ? [] : busy.split('\n'));
}

interface Queue {
  ids: readonly string[];
  index: number;
  /** The attempt started for the current connection (its end moves the queue on). */
  attempt: number;
  /** The next connection waits for the customer's click (popup mode needs one). */
  waiting: boolean;
}

/**
 * Every connection of the customer that needs attention, most urgent first,
 * each with its badge and prompt, and a "fix them one after another" queue
 * that runs the reconnect flow for each reconnectable connection in turn. A
 * connection fixed meanwhile stays while its prompt shows the customer's own
 * work (the flow, then "working again" for a few seconds), then leaves.
 *
 * Each flow of the queue starts from a click: the first from "Fix them one
 * after another"; the next ones at once in dialog mode, and from "Continue
 * with ..." in popup mode, where browsers block a window opened without one.
 */
export function ConnectionHealthList(props: ConnectionHealthListProps) {
  const { showOutages = false, unstyled = false, className, ...rest } = props;
  const kit = useReconnectKit('ConnectionHealthList');
  const { messages, locale } = kit;
  const registry = getRegistry(kit.engines);
  const t = messageLookup(messages, listMessages);
  const { data } = useConnections();
  const needing = connectionsNeedingAttention(data ?? [], showOutages);
  const needingIds = new Set(needing.map((c) => c.id));

  // Shown before and no longer needing attention: kept only while their prompt has work on screen.
  const [shown, setShown] = useState<readonly string[]>([]);
  const kept = useWorkOnScreen(registry, shown.filter((id) => !needingIds.has(id)));
  const items = [...needing, ...(data ?? []).filter((c) => !needingIds.has(c.id) && kept.has(c.id))];
  const itemIds = items.map((c) => c.id);
  if (itemIds.join('\n') !== shown.join('\n')) setShown(itemIds);

  const queueable = needing.filter((c) => QUEUEABLE.has(getStatusDecision(c.status, c.statusReason).prompt)).map((c) => c.id);
  const [queue, setQueue] = useState<Queue | null>(null);
  const current = queue ? queue.ids[queue.index] : undefined;

  const startAt = (ids: readonly string[], index: number): Queue | null => {
    const id = ids[index];
    if (id === undefined) return null;
    const controller = registry.controllerFor(id);
    controller.start({ variant: 'banner', pressed: RECONNECT_OFFER });
    const { flow } = controller.getSnapshot();
    return { ids, index, attempt: flow.attempt, waiting: false };
  };

  // The current flow's end moves the queue on.
  useEffect(() => {
    if (!queue || queue.waiting || current === undefined) return;
    const controller = registry.peek(current);
    if (!controller) return;
    const check = () => {
      const { flow } = controller.getSnapshot();
      if (flow.attempt !== queue.attempt || !ENDED.has(flow.status)) return;
      // Closing the widget stops the queue: the customer chose not to go on.
      if (flow.status === 'cancelled') return setQueue(null);
      const next = queue.ids.findIndex((id, index) => index > queue.index && queueable.includes(id));
      if (next === -1) return setQueue(null);
      if ((kit.widget.mode ?? 'dialog') === 'popup') return setQueue({ ...queue, index: next, waiting: true });
      // A dialog needs no gesture: go straight on.
      setQueue(startAt(queue.ids, next));
    };
    check();
    return controller.subscribe(check);
  });

  // When the queue's button leaves with focus on it (nothing left to fix), focus goes to the list's heading, not the page.
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  const toggleRef = useRef<HTMLButtonElement | null>(null);
  const setToggle = useCallback((button: HTMLButtonElement | null) => {
    const previous = toggleRef.current;
    toggleRef.current = button;
    if (button || !previous) return;
    const active = typeof document === 'undefined' ? null : document.activeElement;
    if (active === previous || active === document.body) queueMicrotask(() => headingRef.current?.focus());
  }, []);

  if (data === undefined) return null;
  const nextConnection = queue?.waiting ? items.find((c) => c.id === current) : undefined;
  const institution = nextConnection?.institutionName || messageLookup(messages, promptMessages)('institution.fallback');
  return (
    <section {...rest} {...(locale ? { lang: locale } : {})} data-slot="health-list" className={cx(!unstyled && 'mrk-health-list', className)}>
      <h2 ref={headingRef} tabIndex={-1} data-slot="health-list-title" className={cx(!unstyled && 'mrk-health-list__title')}>
        {t('list.title')}
      </h2>
      {items.length === 0 ? (
        <p data-slot="health-list-empty">{t('list.empty')}</p>
      ) : (
        <>
          {queue || queueable.length > 1 ? (
            <div data-slot="health-list-queue" className={cx(!unstyled && 'mrk-health-list__queue')}>
              {/* One button that toggles, so focus (and the widget's return of it) stays on it. */}
              <button
                ref={setToggle}
                type="button"
                data-emphasis={queue ? 'secondary' : 'primary'}
                className={cx(!unstyled && 'mrk-banner__action')}
                // Stop ends the queue; a flow under way finishes.
                onClick={() => setQueue(queue ? null : startAt(queueable, 0))}
              >
                {t(queue ? 'list.stop' : 'list.fix-all')}
              </button>
              {queue?.waiting ? (
                <button
                  type="button"
                  data-slot="health-list-next"
                  data-emphasis="primary"
                  className={cx(!unstyled && 'mrk-banner__action')}
                  onClick={() => setQueue(startAt(queue.ids, queue.index))}
                >
                  {formatMessage(t('list.next'), { institution })}
                </button>
              ) : null}
              {queue ? <p role="status">{formatMessage(t('list.progress'), { current: queue.index + 1, total: queue.ids.length })}</p> : null}
            </div>
          ) : null}
          <ul data-slot="health-list-items" className={cx(!unstyled && 'mrk-health-list__items')}>
            {items.map((connection) => (
              <li key={connection.id} data-slot="health-list-item">
                <ConnectionStatusBadge connection={connection} unstyled={unstyled} />
                <ReconnectBanner connection={connection} showOutages={showOutages} unstyled={unstyled} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
