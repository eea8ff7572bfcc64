import { lazy, Suspense, useState, type ReactNode } from 'react';
import { getStatusDecision } from '../core/getStatusDecision.js';
import { isPromptDue, isRenewalPromptDue, useKnownConnection, type PromptVariant } from '../hooks/promptConnection.js';
import { useReconnectKit } from '../hooks/ReconnectKitContext.js';
import { useHydrated } from '../hooks/useHydrated.js';
import { hasPendingRedirect } from '../core/redirectState.js';
import type { Connection } from '../core/types.js';
import { cx, partsFor, type PromptRootProps } from './context.js';
import type { PromptPartComponents } from './parts.js';
import type { PromptView as PromptViewType } from './PromptView.js';

export { cx, type PromptRootProps };

type PromptViewComponent = typeof PromptViewType;
/** Once loaded, the view renders directly in prompts mounted after hydration: no Suspense boundary per prompt. */
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

  function Gate(props: PromptRootProps & { target: string | Connection; defaultParts?: boolean | undefined }) {
    const { target, defaultParts, ...rest } = props;
    const { queryClient, hostApi } = useReconnectKit(name);
    const connection = useKnownConnection(target, queryClient, hostApi, typeof target !== 'string');
    const decision = getStatusDecision(connection?.status, connection?.statusReason);
    const id = typeof target === 'string' ? target : target.id;
    const hydrated = useHydrated();
    // A return from the widget in redirect mode is in sessionStorage, which the server cannot see.
    const returning = hydrated && hasPendingRedirect(id);
    // Compared with the time the gate mounted (render stays pure), as the live view does.
    const [mountedAt] = useState(Date.now);
    const { renewal, renewalPromptDays } = props;
    const due =
      isPromptDue(decision.prompt, variant, props.showOutages) ||
      returning ||
      (renewal !== undefined && connection !== undefined && isRenewalPromptDue(decision, variant, renewal(connection, mountedAt), renewalPromptDays));
    const [engaged, setEngaged] = useState(due);
    // Chosen once: switching from the lazy wrapper to the loaded view would remount the view (and end its flow).
    // On the server and while hydrating, always the lazy wrapper: a server process that loaded the view for an
    // earlier page must still send the Suspense boundary a browser that has loaded nothing yet hydrates.
    const [Direct] = useState(() => (hydrated ? LoadedView : undefined));
    if (due && !engaged) setEngaged(true);
    if (!engaged && !due) return null;
    const viewProps = { ...rest, target, slot, rootClassName: className, variant, defaultParts };
    if (Direct) return <Direct {...viewProps} />;
    return (
      <Suspense fallback={null}>
        <LazyView {...viewProps} />
      </Suspense>
    );
  }

  /** Stand-ins for the parts: the real ones load with the live view, the only place they render. */
  const part =
    <K extends Exclude<keyof PromptPartComponents, 'Default'>>(key: K) =>
    (props: Parameters<PromptPartComponents[K]>[0]) => {
      const Real = partsFor(slot, className)?.[key] as ((p: object) => ReactNode) | undefined;
      return Real ? <Real {...props} /> : null;
    };
  const Icon = part('Icon');
  const Message = part('Message');
  const Action = part('Action');
  const Actions = part('Actions');
  const Dismiss = part('Dismiss');

  /** The default arrangement of the parts (drawn by the live view, without stand-ins). */
  function Default(props: PromptRootProps) {
    const target = props.connection ?? props.connectionId;
    if (target === undefined) throw new Error(`meld-reconnect-kit: <${name}> needs a \`connectionId\` or a \`connection\`.`);
    return <Gate key={typeof target} {...props} target={target} defaultParts />;
  }

  return Object.assign(Default, { Root, Icon, Message, Actions, Action, Dismiss });
}
