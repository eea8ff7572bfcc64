import { useEffect, useId, useRef } from 'react';
import { HostApiError } from '../../core/HostApiError.js';
import { formatMessage, messageLookup } from '../../i18n/messages.js';
import { landingMessages } from '../../i18n/landingMessages.js';
import { useReconnectKit } from '../../hooks/ReconnectKitContext.js';
import { useRepairLink, type UseRepairLinkResult } from '../../hooks/useRepairLink.js';
import { createPartStandIns, createPromptGate, cx } from '../../promptParts/PromptParts.js';
import type { RepairLinkLandingProps } from './RepairLinkLanding.js';

type LandingMessageKey = keyof typeof landingMessages;

const SLOT = 'repair-landing';
const PROMPT_SLOT = `${SLOT}-prompt`;
// The landing's prompt is a banner in looks (its classes and tokens), with a slot of its own.
const Prompt = createPromptGate('RepairLinkLanding', PROMPT_SLOT, 'mrk-banner', 'banner');
const Part = createPartStandIns(PROMPT_SLOT, 'mrk-banner');

/** What the landing says while there is no prompt to show. */
function messageKey(link: UseRepairLinkResult): LandingMessageKey {
  if (link.status === 'redeeming') return 'landing.redeeming';
  if (link.status === 'invalid') return 'landing.invalid';
  const { error } = link;
  if (!link.retryable) return 'landing.failed';
  if (error instanceof HostApiError && error.kind === 'unauthorized') return 'error.unauthorized';
  if (error instanceof HostApiError && error.kind === 'rate-limited') return 'error.rate-limited';
  return 'error.unavailable';
}

/**
 * The live part of `RepairLinkLanding`: the landing itself (redemption, words,
 * the connection's prompt). Loaded on demand once the page has a link, or is
 * back from Meld's widget after one, so pages without never download it.
 */
export function RepairLinkLandingView(props: RepairLinkLandingProps) {
  const {
    param,
    onRedeemed,
    onInvalid,
    onStartNewConnection,
    renewal,
    renewalPromptDays,
    unstyled = false,
    autoFocus = true,
    className,
    ...rest
  } = props;
  const { messages, locale } = useReconnectKit('RepairLinkLanding');
  const link = useRepairLink({ param, onRedeemed, onInvalid });
  const t = messageLookup(messages, landingMessages);
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement | null>(null);
  const shown = link.status !== 'none';

  useEffect(() => {
    if (!shown || !autoFocus) return;
    const active = document.activeElement;
    if (active === null || active === document.body) heading.current?.focus();
  }, [shown, autoFocus]);

  if (!shown) return null;
  const institution = link.connection?.institutionName || t('institution.fallback');
  const line = (key: LandingMessageKey, slot: string) => (
    <p data-slot={`${SLOT}-${slot}`} role="status" className={cx(!unstyled && 'mrk-repair-landing__message')}>
      {formatMessage(t(key), { institution })}
    </p>
  );

  return (
    <section
      {...rest}
      aria-labelledby={titleId}
      {...(locale ? { lang: locale } : {})}
      data-slot={SLOT}
      data-state={link.status}
      className={cx(!unstyled && 'mrk-repair-landing', className)}
    >
      <h2 id={titleId} ref={heading} tabIndex={-1} data-slot={`${SLOT}-title`} className={cx(!unstyled && 'mrk-repair-landing__title')}>
        {t('landing.title')}
      </h2>
      {link.status === 'ready' && link.connectionId !== undefined ? (
        <Prompt
          key={link.connectionId}
          target={link.connectionId}
          showOutages
          onStartNewConnection={onStartNewConnection}
          renewal={renewal}
          renewalPromptDays={renewalPromptDays}
          unstyled={unstyled}
          // The flow this link was for is over: a reload must not bring the landing back.
          onFlowEnd={link.forget}
          whenHidden={line('landing.connected', 'connected')}
        >
          <Part.Icon />
          <Part.Message />
          {/* One action, the one the status table asks for; no dismissal: the customer came for this. */}
          <Part.Actions />
        </Prompt>
      ) : (
        <>
          {line(messageKey(link), 'message')}
          {link.status === 'error' && link.retryable ? (
            <button
              type="button"
              data-slot={`${SLOT}-retry`}
              data-emphasis="primary"
              className={cx(!unstyled && 'mrk-banner__action')}
              onClick={link.retry}
            >
              {t('action.retry')}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
