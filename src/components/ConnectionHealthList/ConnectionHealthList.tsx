import { useState, type HTMLAttributes } from 'react';
import type { ReconnectFlowStatus } from '../../hooks/useReconnectFlow.js';
import { getStatusDecision } from '../../core/getStatusDecision.js';
import type { Severity } from '../../core/statuses.js';
import type { Connection } from '../../core/types.js';
import { formatMessage, messageLookup } from '../../i18n/messages.js';
import { listMessages } from '../../i18n/listMessages.js';
import { useConnections } from '../../hooks/useConnections.js';
import { useReconnectKit } from '../../hooks/ReconnectKitContext.js';
import { ConnectionStatusBadge } from '../ConnectionStatusBadge/ConnectionStatusBadge.js';
import { cx } from '../../promptParts/PromptParts.js';
import { ReconnectBanner } from '../ReconnectBanner/ReconnectBanner.js';

const RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1, none: 0 };
const QUEUEABLE = new Set(['reconnect', 'expiring-soon']);

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

/**
 * Every connection of the customer that needs attention, most urgent first,
 * each with its badge and prompt, and a "fix them one after another" queue
 * that runs the reconnect flow for each reconnectable connection in turn.
 */
export function ConnectionHealthList(props: ConnectionHealthListProps) {
  const { showOutages = false, unstyled = false, className, ...rest } = props;
  const { messages, locale } = useReconnectKit('ConnectionHealthList');
  const t = messageLookup(messages, listMessages);
  const { data } = useConnections();
  const needing = connectionsNeedingAttention(data ?? [], showOutages);
  // A connection fixed while the list is open stays (last) for this mount, so
  // its prompt can finish its flow and say "working again" instead of vanishing.
  const [shown, setShown] = useState<readonly string[]>([]);
  const newlyShown = needing.filter((c) => !shown.includes(c.id));
  if (newlyShown.length > 0) setShown([...shown, ...newlyShown.map((c) => c.id)]);
  const items = [...needing, ...(data ?? []).filter((c) => shown.includes(c.id) && !needing.includes(c))];
  const queueable = needing.filter((c) => QUEUEABLE.has(getStatusDecision(c.status, c.statusReason).prompt)).map((c) => c.id);
  const [queue, setQueue] = useState<{ ids: string[]; index: number } | null>(null);
  const current = queue ? queue.ids[queue.index] : undefined;
  const advance = (status: ReconnectFlowStatus) =>
    setQueue((q) => {
      // Closing the widget stops the queue: the customer chose not to go on.
      if (!q || status === 'cancelled') return null;
      // Next: one still waiting (a push may have fixed some meanwhile).
      const next = q.ids.findIndex((id, index) => index > q.index && queueable.includes(id));
      return next === -1 ? null : { ...q, index: next };
    });

  if (data === undefined) return null;
  return (
    <section {...rest} {...(locale ? { lang: locale } : {})} data-slot="health-list" className={cx(!unstyled && 'mrk-health-list', className)}>
      <h2 data-slot="health-list-title" className={cx(!unstyled && 'mrk-health-list__title')}>
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
                type="button"
                data-emphasis={queue ? 'secondary' : 'primary'}
                className={cx(!unstyled && 'mrk-banner__action')}
                onClick={() => setQueue(queue ? null : { ids: queueable, index: 0 })}
              >
                {t(queue ? 'list.stop' : 'list.fix-all')}
              </button>
              {queue ? <p role="status">{formatMessage(t('list.progress'), { current: queue.index + 1, total: queue.ids.length })}</p> : null}
            </div>
          ) : null}
          <ul data-slot="health-list-items" className={cx(!unstyled && 'mrk-health-list__items')}>
            {items.map((connection) => (
              <li key={connection.id} data-slot="health-list-item">
                <ConnectionStatusBadge connection={connection} unstyled={unstyled} />
                <ReconnectBanner
                  connection={connection}
                  showOutages={showOutages}
                  unstyled={unstyled}
                  autoStart={current === connection.id}
                  onFlowEnd={current === connection.id ? advance : undefined}
                />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
