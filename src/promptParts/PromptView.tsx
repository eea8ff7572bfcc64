import { useEffect, useRef } from 'react';
import { PROMPT_STATE_INFO } from '../core/promptStates.js';
import type { ReconnectFlowStatus } from '../core/reconnectMachine.js';
import { useReconnectPrompt } from '../hooks/useReconnectPrompt.js';
import { cx, PartsContext, partsFor, registerParts, type PromptViewProps } from './context.js';
import { createPartComponents } from './parts.js';

const ENDED: ReadonlySet<ReconnectFlowStatus> = new Set(['verified', 'still-broken', 'unconfirmed', 'cancelled', 'failed']);

registerParts(createPartComponents);

/** The default arrangement, drawn with the real parts. */
function Parts({ slot, className }: { slot: string; className: string }) {
  const Default = partsFor(slot, className)?.Default;
  return Default ? <Default /> : null;
}

/**
 * The live part of a prompt: the decided prompt, its flow and its root
 * element. Loaded on demand by the prompt's `Root` once the status table says
 * a prompt is due, so pages whose connections are healthy never download it.
 */
export function PromptView(props: PromptViewProps) {
  const {
    target,
    slot,
    rootClassName,
    variant,
    connectionId,
    connection,
    showOutages,
    onStartNewConnection,
    unstyled = false,
    autoStart,
    onFlowEnd,
    className: userClass,
    children,
    defaultParts,
    ...rest
  } = props;
  const prompt = useReconnectPrompt(target, { variant, showOutages, onStartNewConnection });

  const { status: flowStatus, attempt } = prompt.flow;
  const startAction = prompt.actions.find((a) => (a.id === 'reconnect' || a.id === 'add-accounts') && !a.pending);
  useEffect(() => {
    // Without a customer's click: fine for a dialog, blocked for a popup (see ConnectionHealthList).
    if (autoStart && startAction && flowStatus === 'idle') startAction.run();
  }, [autoStart, startAction, flowStatus]);
  const onFlowEndRef = useRef(onFlowEnd);
  useEffect(() => {
    onFlowEndRef.current = onFlowEnd;
  });
  useEffect(() => {
    if (ENDED.has(flowStatus)) onFlowEndRef.current?.(flowStatus);
  }, [flowStatus, attempt]);

  if (!prompt.visible) return null;
  return (
    <PartsContext.Provider value={{ prompt, slot, className: rootClassName, unstyled }}>
      <div
        {...rest}
        {...prompt.rootProps}
        aria-busy={PROMPT_STATE_INFO[prompt.state].busy || undefined}
        data-slot={slot}
        className={cx(!unstyled && rootClassName, userClass)}
      >
        {defaultParts ? <Parts slot={slot} className={rootClassName} /> : children}
      </div>
    </PartsContext.Provider>
  );
}
