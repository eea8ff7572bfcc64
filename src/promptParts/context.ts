import { createContext, useContext, type HTMLAttributes, type ReactNode } from 'react';
import type { Connection } from '../core/types.js';
import type { ReconnectFlowStatus } from '../hooks/useReconnectFlow.js';
import type { UseReconnectPromptOptions, UseReconnectPromptResult } from '../hooks/useReconnectPrompt.js';
import type { PromptPartComponents } from './parts.js';

/** Joins class names, skipping empty ones; a user's class always comes last. */
export function cx(...names: Array<string | false | null | undefined>): string | undefined {
  const joined = names.filter(Boolean).join(' ');
  return joined === '' ? undefined : joined;
}

export interface PartsContextValue {
  prompt: UseReconnectPromptResult;
  slot: string;
  className: string;
  unstyled: boolean;
}

export const PartsContext = createContext<PartsContextValue | null>(null);

type PartsFactory = (slot: string, className: string) => PromptPartComponents;
let factory: PartsFactory | undefined;
const made = new Map<string, ReturnType<PartsFactory>>();

/** The live view registers the real parts when it loads. Internal. */
export function registerParts(create: PartsFactory): void {
  factory = create;
}

/** The real parts of a component, once the live view has loaded them. Internal. */
export function partsFor(slot: string, className: string): ReturnType<PartsFactory> | undefined {
  if (!factory) return undefined;
  let parts = made.get(slot);
  if (!parts) made.set(slot, (parts = factory(slot, className)));
  return parts;
}

export function useParts(part: string): PartsContextValue {
  const value = useContext(PartsContext);
  if (!value) throw new Error(`meld-reconnect-kit: \`${part}\` must be inside its component's \`.Root\`.`);
  return value;
}

type DivProps = Omit<HTMLAttributes<HTMLDivElement>, 'role' | 'children'>;

export type PromptRootProps = DivProps &
  Pick<UseReconnectPromptOptions, 'showOutages' | 'onStartNewConnection' | 'renewal' | 'renewalPromptDays'> & {
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

/** What a prompt's root passes to its view. Internal. */
export interface PromptViewProps extends PromptRootProps {
  target: string | Connection;
  slot: string;
  rootClassName: string;
  variant: NonNullable<UseReconnectPromptOptions['variant']>;
  /** Draw the default arrangement of the parts (the component used without `.Root`). */
  defaultParts?: boolean | undefined;
  /** What to show once the prompt hides (default: nothing). */
  whenHidden?: ReactNode;
}
