import type { HTMLAttributes } from 'react';
import { getStatusDecision } from '../../core/getStatusDecision.js';
import type { Connection } from '../../core/types.js';
import { formatMessage, messageLookup } from '../../i18n/messages.js';
import { statusMessages } from '../../i18n/statusMessages.js';
import { useKnownConnection } from '../../hooks/promptConnection.js';
import { useReconnectKit } from '../../hooks/ReconnectKitContext.js';
import { cx } from '../../promptParts/PromptParts.js';


export type ConnectionStatusBadgeProps = Omit<HTMLAttributes<HTMLSpanElement>, 'children'> & {
  connectionId?: string | undefined;
  connection?: Connection | undefined;
  unstyled?: boolean | undefined;
};

/**
 * A compact status pill for lists. Its visible text is short ("Needs
 * reconnect"); its accessible text names the bank too ("First Bank: Needs
 * reconnect", from the catalog's `status.label`), visually hidden by the
 * stylesheet and shown where there is none. State is exposed as `data-state` (the prompt kind) and
 * `data-severity`.
 */
export function ConnectionStatusBadge(props: ConnectionStatusBadgeProps) {
  // An id is read from the host, an object is not: switching between them starts the badge afresh.
  return <Badge key={props.connection ? 'object' : 'id'} {...props} />;
}

function Badge(props: ConnectionStatusBadgeProps) {
  const { connectionId, connection: given, unstyled = false, className, ...rest } = props;
  const { queryClient, hostApi, messages, locale } = useReconnectKit('ConnectionStatusBadge');
  const connection = useKnownConnection(given ?? connectionId ?? '', queryClient, hostApi, given !== undefined);
  const decision = getStatusDecision(connection?.status, connection?.statusReason);
  const t = messageLookup(messages, statusMessages);
  const label = t(`status.${decision.prompt}`);
  const institution = connection?.institutionName || t('institution.fallback');
  // The bank's name is context: hidden by the stylesheet, read by screen
  // readers, and plainly visible (never doubled) where there is no stylesheet.
  const [before = '', after = ''] = t('status.label').split('{status}').map((part) => formatMessage(part, { institution }));
  const context = cx(!unstyled && 'mrk-visually-hidden');
  return (
    <span
      {...rest}
      {...(locale ? { lang: locale } : {})}
      data-slot="status-badge"
      data-state={decision.prompt}
      data-severity={decision.severity}
      className={cx(!unstyled && 'mrk-badge', className)}
    >
      {before ? (
        <span data-slot="status-badge-context" className={context}>
          {before}
        </span>
      ) : null}
      <span data-slot="status-badge-text">{label}</span>
      {after ? (
        <span data-slot="status-badge-context" className={context}>
          {after}
        </span>
      ) : null}
    </span>
  );
}
