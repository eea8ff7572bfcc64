import { useEffect, useRef } from 'react';
import { PROMPT_STATE_INFO } from '../core/promptStates.js';
import type { ReconnectFlowStatus } from '../core/reconnectMachine.js';
import { loadFlowRuntime } from '../hooks/loadFlowRuntime.js';
import { useReconnectPrompt, type PromptAction } from '../hooks/useReconnectPrompt.js';
import { cx, PartsContext, partsFor, registerParts, type PromptViewProps } from './context.js';
import { createPartComponents } from './parts.js';

const ENDED: ReadonlySet<ReconnectFlowStatus> = new Set(['verified', 'still-broken', 'unconfirmed', 'cancelled', 'failed']);

registerParts(createPartComponents);

function preloadLauncher(actions: readonly PromptAction[]): void {
  if (actions.some((a) => !a.pending && (a.id === 'reconnect' || a.id === 'add-accounts' || a.id === 'retry'))) loadFlowRuntime().catch(() => {});
}

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
    renewal,
    renewalPromptDays,
    unstyled = false,
    autoStart,
    onFlowEnd,
    className: userClass,
    children,
    defaultParts,
    whenHidden,
    ...rest
  } = props;
  const prompt = useReconnectPrompt(target, { variant, showOutages, onStartNewConnection, renewal, renewalPromptDays });

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

  if (!prompt.visible) return whenHidden ?? null;
  return (
    <PartsContext.Provider value={{ prompt, slot, className: rootClassName, unstyled }}>
      <div
        {...rest}
        // The widget launcher loads when the customer shows intent (a pointer over the prompt, focus in
        // it), not when the prompt appears: most prompts are read, not acted on. A click without either
        // loads it alongside the repair request, which takes longer.
        onPointerEnter={(event) => {
          preloadLauncher(prompt.actions);
          rest.onPointerEnter?.(event);
        }}
        onFocus={(event) => {
          preloadLauncher(prompt.actions);
          rest.onFocus?.(event);
        }}
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
