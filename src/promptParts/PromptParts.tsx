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

/** What a prompt's gate takes besides a root's props. Internal. */
export interface PromptGateProps extends PromptRootProps {
  target: string | Connection;
  /** Draw the default arrangement of the parts (the component used without `.Root`). */
  defaultParts?: boolean | undefined;
  /** What to show while no prompt is due (default: nothing), e.g. the repair-link landing's "already connected". */
  whenHidden?: ReactNode;
}

/**
 * The gate of a prompt component: decides from the cached status alone
 * whether a prompt is due, and only then loads and mounts the live view
 * (prompt, flow, catalog). Once mounted it stays, so a flow's own states
 * (verifying, verified...) are not cut short. Internal.
 */
export function createPromptGate(name: string, slot: string, className: string, variant: PromptVariant) {
  return function Gate(props: PromptGateProps) {
    const { target, defaultParts, whenHidden, ...rest } = props;
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
    if (!engaged && !due) return whenHidden ?? null;
    const viewProps = { ...rest, target, slot, rootClassName: className, variant, defaultParts, whenHidden };
    if (Direct) return <Direct {...viewProps} />;
    return (
      <Suspense fallback={null}>
        <LazyView {...viewProps} />
      </Suspense>
    );
  };
}

/** Stand-ins for a component's parts: the real ones load with the live view, the only place they render. Internal. */
export function createPartStandIns(slot: string, className: string) {
  const part =
    <K extends Exclude<keyof PromptPartComponents, 'Default'>>(key: K) =>
    (props: Parameters<PromptPartComponents[K]>[0]) => {
      const Real = partsFor(slot, className)?.[key] as ((p: object) => ReactNode) | undefined;
      return Real ? <Real {...props} /> : null;
    };
  return { Icon: part('Icon'), Message: part('Message'), Action: part('Action'), Actions: part('Actions'), Dismiss: part('Dismiss') };
}

/** Builds the compound parts of a prompt component (`Root`, `Icon`, `Message`, ...). */
export function createPromptParts(name: string, slot: string, className: string, variant: PromptVariant) {
  const Gate = createPromptGate(name, slot, className, variant);

  function Root(props: PromptRootProps) {
    const target = props.connection ?? props.connectionId;
    if (target === undefined) throw new Error(`meld-reconnect-kit: <${name}> needs a \`connectionId\` or a \`connection\`.`);
    // An id is read from the host, an object is not: switching between them starts the gate afresh.
    return <Gate key={typeof target} {...props} target={target} />;
  }

  /** The default arrangement of the parts (drawn by the live view, without stand-ins). */
  function Default(props: PromptRootProps) {
    const target = props.connection ?? props.connectionId;
    if (target === undefined) throw new Error(`meld-reconnect-kit: <${name}> needs a \`connectionId\` or a \`connection\`.`);
    return <Gate key={typeof target} {...props} target={target} defaultParts />;
  }

  const { Icon, Message, Action, Actions, Dismiss } = createPartStandIns(slot, className);
  return Object.assign(Default, { Root, Icon, Message, Actions, Action, Dismiss });
}
