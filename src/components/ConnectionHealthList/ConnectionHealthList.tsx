import { useState, type HTMLAttributes } from 'react';
import { getStatusDecision } from '../../core/getStatusDecision.js';
import type { Severity } from '../../core/statuses.js';
import type { Connection } from '../../core/types.js';
import { formatMessage, messageLookup } from '../../i18n/messages.js';
import { listMessages } from '../../i18n/listMessages.js';
import { useConnections } from '../../hooks/useConnections.js';
import { useReconnectKit } from '../../hooks/ReconnectKitContext.js';
import { ConnectionStatusBadge } from '../ConnectionStatusBadge/ConnectionStatusBadge.js';
import { cx } from '../PromptParts/PromptParts.js';
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
  const items = connectionsNeedingAttention(data ?? [], showOutages);
  const queueable = items.filter((c) => QUEUEABLE.has(getStatusDecision(c.status, c.statusReason).prompt)).map((c) => c.id);
  const [queue, setQueue] = useState<{ ids: string[]; index: number } | null>(null);
  const current = queue ? queue.ids[queue.index] : undefined;
  const advance = () => setQueue((q) => (q && q.index + 1 < q.ids.length ? { ...q, index: q.index + 1 } : null));

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
          {queueable.length > 1 ? (
            <div data-slot="health-list-queue" className={cx(!unstyled && 'mrk-health-list__queue')}>
              {queue ? (
                <>
                  <p role="status">{formatMessage(t('list.progress'), { current: queue.index + 1, total: queue.ids.length })}</p>
                  <button type="button" className={cx(!unstyled && 'mrk-banner__action')} onClick={() => setQueue(null)}>
                    {t('list.stop')}
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  data-emphasis="primary"
                  className={cx(!unstyled && 'mrk-banner__action')}
                  onClick={() => setQueue({ ids: queueable, index: 0 })}
                >
                  {t('list.fix-all')}
                </button>
              )}
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
