import { lazy, Suspense, useState, type ReactNode } from 'react';
import { getStatusDecision } from '../core/getStatusDecision.js';
import { isPromptDue, useKnownConnection, type PromptVariant } from '../hooks/promptConnection.js';
import { useReconnectKit } from '../hooks/ReconnectKitContext.js';
import { useHydrated } from '../hooks/useHydrated.js';
import type { PromptActionId } from '../hooks/useReconnectPrompt.js';
import { hasPendingRedirect } from '../core/redirectState.js';
import type { Connection } from '../core/types.js';
import { cx, useParts, type PromptRootProps } from './context.js';
import type { PromptView as PromptViewType } from './PromptView.js';

export { cx, type PromptRootProps };

type PromptViewComponent = typeof PromptViewType;
/** Once loaded, the view renders directly: no Suspense boundary per prompt. */
let LoadedView: PromptViewComponent | undefined;
const LazyView = lazy(() =>
  import('./PromptView.js').then((m) => {
    LoadedView = m.PromptView;
    return { default: m.PromptView };
  }),
);

/** Builds the compound parts of a prompt component (`Root`, `Icon`, `Message`, ...). */
export function createPromptParts(name: string, slot: string, className: string, variant: PromptVariant) {
  /**
   * Decides from the cached status alone whether a prompt is due; only then
   * loads and mounts the live view (prompt, flow, catalog). Once mounted it
   * stays, so a flow's own states (verifying, verified...) are not cut short.
   */
  function Root(props: PromptRootProps) {
    const target = props.connection ?? props.connectionId;
    if (target === undefined) throw new Error(`meld-reconnect-kit: <${name}> needs a \`connectionId\` or a \`connection\`.`);
    // An id is read from the host, an object is not: switching between them starts the gate afresh.
    return <Gate key={typeof target} {...props} target={target} />;
  }

  function Gate(props: PromptRootProps & { target: string | Connection }) {
    const { target, ...rest } = props;
    const { queryClient, hostApi } = useReconnectKit(name);
    const connection = useKnownConnection(target, queryClient, hostApi, typeof target !== 'string');
    const decision = getStatusDecision(connection?.status, connection?.statusReason);
    const id = typeof target === 'string' ? target : target.id;
    // A return from the widget in redirect mode is in sessionStorage, which the server cannot see.
    const returning = useHydrated() && hasPendingRedirect(id);
    const due = isPromptDue(decision.prompt, variant, props.showOutages) || returning;
    const [engaged, setEngaged] = useState(due);
    if (due && !engaged) setEngaged(true);
    if (!engaged && !due) return null;
    const viewProps = { ...rest, target, slot, rootClassName: className, variant };
    if (LoadedView) return <LoadedView {...viewProps} />;
    return (
      <Suspense fallback={null}>
        <LazyView {...viewProps} />
      </Suspense>
    );
  }

  function Icon({ className: userClass }: { className?: string | undefined }) {
    const { prompt, unstyled } = useParts('Icon');
    const kind = prompt.state === 'verified' || prompt.state === 'refreshed' ? 'success' : prompt.severity;
    return (
      <span data-slot={`${slot}-icon`} data-icon={kind} aria-hidden="true" className={cx(!unstyled && `${className}__icon`, userClass)}>
        <svg viewBox="0 0 20 20" width="20" height="20" focusable="false">
          {kind === 'success' ? (
            <path d="M5 10.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" />
          ) : kind === 'critical' || kind === 'warning' ? (
            <path d="M10 3l8 14H2L10 3zm0 5v4m0 2v1" fill="none" stroke="currentColor" strokeWidth="1.8" />
          ) : (
            <path d="M10 2a8 8 0 110 16 8 8 0 010-16zm0 7v5m0-8v1" fill="none" stroke="currentColor" strokeWidth="1.8" />
          )}
        </svg>
      </span>
    );
  }

  function Message({ className: userClass }: { className?: string | undefined }) {
    const { prompt, unstyled } = useParts('Message');
    return (
      <div data-slot={`${slot}-body`} className={cx(!unstyled && `${className}__body`, userClass)}>
        <p data-slot={`${slot}-message`} className={cx(!unstyled && `${className}__message`)}>
          {prompt.message}
        </p>
        {prompt.lastUpdated ? (
          <p data-slot={`${slot}-updated`} className={cx(!unstyled && `${className}__updated`)}>
            {prompt.lastUpdated}
          </p>
        ) : null}
        {prompt.detail ? (
          // The institution's own words: rendered as text, never as HTML.
          <p data-slot={`${slot}-detail`} className={cx(!unstyled && `${className}__detail`)}>
            {prompt.detail}
          </p>
        ) : null}
      </div>
    );
  }

  function Action({ id, className: userClass, children }: { id: PromptActionId; className?: string | undefined; children?: ReactNode }) {
    const { prompt, unstyled } = useParts('Action');
    const action = prompt.actions.find((a) => a.id === id);
    if (!action) return null;
    return (
      <button
        {...prompt.getActionProps(action)}
        data-slot={`${slot}-action`}
        className={cx(!unstyled && `${className}__action`, userClass)}
      >
        {children ?? action.label}
      </button>
    );
  }

  function Actions({ className: userClass, children }: { className?: string | undefined; children?: ReactNode }) {
    const { prompt, unstyled } = useParts('Actions');
    if (!children && prompt.actions.length === 0) return null;
    return (
      <div data-slot={`${slot}-actions`} className={cx(!unstyled && `${className}__actions`, userClass)}>
        {children ?? prompt.actions.map((a) => <Action key={a.id} id={a.id} />)}
      </div>
    );
  }

  function Dismiss({ className: userClass }: { className?: string | undefined }) {
    const { prompt, unstyled } = useParts('Dismiss');
    if (!prompt.dismissible) return null;
    return (
      <button
        type="button"
        data-slot={`${slot}-dismiss`}
        aria-label={prompt.dismissLabel}
        className={cx(!unstyled && `${className}__dismiss`, userClass)}
        onClick={prompt.dismiss}
      >
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
          <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="2" />
        </svg>
      </button>
    );
  }

  /** The default arrangement of the parts. */
  function Default(props: PromptRootProps) {
    return (
      <Root {...props}>
        <Icon />
        <Message />
        <Actions />
        <Dismiss />
      </Root>
    );
  }

  return Object.assign(Default, { Root, Icon, Message, Actions, Action, Dismiss });
}
