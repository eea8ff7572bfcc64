import { createContext, useContext, useEffect, useRef, type HTMLAttributes, type ReactNode } from 'react';
import type { Connection } from '../../core/types.js';
import type { ReconnectFlowStatus } from '../../hooks/useReconnectFlow.js';
import {
  useReconnectPrompt,
  type PromptActionId,
  type UseReconnectPromptOptions,
  type UseReconnectPromptResult,
} from '../../hooks/useReconnectPrompt.js';

/** Joins class names, skipping empty ones; a user's class always comes last. */
export function cx(...names: Array<string | false | null | undefined>): string | undefined {
  const joined = names.filter(Boolean).join(' ');
  return joined === '' ? undefined : joined;
}

interface PartsContextValue {
  prompt: UseReconnectPromptResult;
  slot: string;
  unstyled: boolean;
}

const PartsContext = createContext<PartsContextValue | null>(null);

function useParts(part: string): PartsContextValue {
  const value = useContext(PartsContext);
  if (!value) throw new Error(`meld-reconnect-kit: \`${part}\` must be inside its component's \`.Root\`.`);
  return value;
}

type DivProps = Omit<HTMLAttributes<HTMLDivElement>, 'role' | 'children'>;

export type PromptRootProps = DivProps &
  Pick<UseReconnectPromptOptions, 'showOutages' | 'onStartNewConnection'> & {
    /** The connection to prompt for: its id (read through the kit) ... */
    connectionId?: string | undefined;
    /** ... or the connection object the host already has. */
    connection?: Connection | undefined;
    /** Drops the kit's class names; data attributes stay for your own CSS. */
    unstyled?: boolean | undefined;
    /** Starts the reconnect flow as soon as the prompt offers it (used by queues). */
    autoStart?: boolean | undefined;
    /** Called when a flow started from this prompt ends (verified, still broken, failed, cancelled...). */
    onFlowEnd?: ((status: ReconnectFlowStatus) => void) | undefined;
    children?: ReactNode;
  };

const ENDED: ReadonlySet<ReconnectFlowStatus> = new Set(['verified', 'still-broken', 'unconfirmed', 'cancelled', 'failed']);
const BUSY_STATES = new Set(['requesting', 'widget-open', 'verifying', 'refreshing']);

/** Builds the compound parts of a prompt component (`Root`, `Icon`, `Message`, ...). */
export function createPromptParts(slot: string, className: string, variant: UseReconnectPromptOptions['variant']) {
  function Root(props: PromptRootProps) {
    const { connectionId, connection, showOutages, onStartNewConnection, unstyled = false, autoStart, onFlowEnd, className: userClass, children, ...rest } = props;
    const target = connection ?? connectionId;
    if (target === undefined) throw new Error(`meld-reconnect-kit: a prompt needs a \`connectionId\` or a \`connection\`.`);
    const prompt = useReconnectPrompt(target, { variant, showOutages, onStartNewConnection });

    const { status: flowStatus, start } = prompt.flow;
    const startable = prompt.actions.some((a) => a.id === 'reconnect' || a.id === 'add-accounts');
    useEffect(() => {
      if (autoStart && startable && flowStatus === 'idle') start();
    }, [autoStart, startable, flowStatus, start]);
    const onFlowEndRef = useRef(onFlowEnd);
    useEffect(() => {
      onFlowEndRef.current = onFlowEnd;
    });
    useEffect(() => {
      if (ENDED.has(flowStatus)) onFlowEndRef.current?.(flowStatus);
    }, [flowStatus]);

    if (!prompt.visible) return null;
    return (
      <PartsContext.Provider value={{ prompt, slot, unstyled }}>
        <div
          {...rest}
          {...prompt.rootProps}
          aria-busy={BUSY_STATES.has(prompt.state) || undefined}
          data-slot={slot}
          className={cx(!unstyled && className, userClass)}
        >
          {children}
        </div>
      </PartsContext.Provider>
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
        type="button"
        data-slot={`${slot}-action`}
        data-action={action.id}
        data-emphasis={action.emphasis}
        className={cx(!unstyled && `${className}__action`, userClass)}
        onClick={action.run}
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
