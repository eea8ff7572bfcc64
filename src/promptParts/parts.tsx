import type { ReactNode } from 'react';
import type { PromptActionId } from '../core/promptStates.js';
import { cx, useParts } from './context.js';

/** A prompt's compound parts, for one component's slot and class names. */
export interface PromptPartComponents {
  Icon: (props: { className?: string | undefined }) => ReactNode;
  Message: (props: { className?: string | undefined }) => ReactNode;
  Action: (props: { id: PromptActionId; className?: string | undefined; children?: ReactNode }) => ReactNode;
  Actions: (props: { className?: string | undefined; children?: ReactNode }) => ReactNode;
  Dismiss: (props: { className?: string | undefined }) => ReactNode;
  /** Icon, message, actions and dismiss, in that order. */
  Default: () => ReactNode;
}

/**
 * The parts themselves. They render only inside a prompt's live view, so
 * they load with it (the prompt components hold light stand-ins). Internal.
 */
export function createPartComponents(slot: string, className: string): PromptPartComponents {
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
        {prompt.renewBy || prompt.lastUpdated ? (
          // No state has both: a renewal is due on working connections, "last updated" on stale ones.
          <p data-slot={`${slot}-${prompt.renewBy ? 'renew-by' : 'updated'}`} className={cx(!unstyled && `${className}__updated`)}>
            {prompt.renewBy ?? prompt.lastUpdated}
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

  function Default() {
    return (
      <>
        <Icon />
        <Message />
        <Actions />
        <Dismiss />
      </>
    );
  }

  return { Icon, Message, Action, Actions, Dismiss, Default };
}
