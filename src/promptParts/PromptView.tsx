import { useEffect, useRef } from 'react';
import type { ReconnectFlowStatus } from '../hooks/useReconnectFlow.js';
import { useReconnectPrompt } from '../hooks/useReconnectPrompt.js';
import { cx, PartsContext, type PromptViewProps } from './context.js';

const ENDED: ReadonlySet<ReconnectFlowStatus> = new Set(['verified', 'still-broken', 'unconfirmed', 'cancelled', 'failed']);
const BUSY_STATES = new Set(['requesting', 'widget-open', 'verifying', 'refreshing']);

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
    ...rest
  } = props;
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
    <PartsContext.Provider value={{ prompt, slot, className: rootClassName, unstyled }}>
      <div
        {...rest}
        {...prompt.rootProps}
        aria-busy={BUSY_STATES.has(prompt.state) || undefined}
        data-slot={slot}
        className={cx(!unstyled && rootClassName, userClass)}
      >
        {children}
      </div>
    </PartsContext.Provider>
  );
}
