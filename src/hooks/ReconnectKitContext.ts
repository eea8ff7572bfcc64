import type { QueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { ReconnectKitEvent } from '../core/analytics.js';
import type { HostApi } from '../core/createHostClient.js';
import type { Connection } from '../core/types.js';
import type { Messages } from '../i18n/messages.js';
import type { WidgetMode } from '../core/reconnectMachine.js';
import type { EngineSettings } from './enginePorts.js';

/** How the kit opens Meld's widget, for every flow under a provider. */
export interface WidgetSettings {
  /** Defaults to `'dialog'`. */
  mode?: WidgetMode | undefined;
  /** Hosts besides `*.meld.io` the widget URL may use (e.g. a local simulator). */
  allowedHosts?: readonly string[] | undefined;
  /** Origins besides the widget URL's own whose messages count. */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * Popup mode's relay page, on the page's own origin (see `preparePopup`).
   * Defaults to `{baseUrl}/widget-relay`, which `createReconnectHandler`
   * serves; set it when `baseUrl` is on another origin or you serve the page
   * yourself (`widgetRelayResponse()` from `meld-reconnect-kit/server`).
   */
  relayUrl?: string | undefined;
  /**
   * Where the widget dialog is attached. Defaults to `document.body`; the
   * dialog then takes only the launcher's `data-mrk-theme`. If brand tokens
   * (`--mrk-*`) are set on a wrapper rather than on `:root`, attach the dialog
   * inside it so it inherits them: an element, or a function given the element
   * that launched the widget (e.g. `(launcher) => launcher?.closest('.brand')`).
   * A modal dialog shows on top of the page wherever it is attached.
   */
  container?: HTMLElement | ((launcher: HTMLElement | null) => HTMLElement | null | undefined) | undefined;
}

/** How long the kit waits to confirm a repair after the widget completes. */
export interface VerificationSettings {
  /** Gives up (as `unconfirmed`) after this long. Defaults to 30 000 ms. */
  timeoutMs?: number | undefined;
  /**
   * Without a live stream, the waits before each one-shot read (each counted from the previous
   * read). Defaults to 1, 2, 4, 8 and 15 s: reads at about 1, 3, 7, 15 and 30 s.
   */
  delaysMs?: readonly number[] | undefined;
}

export interface ReconnectKitContextValue {
  hostApi: HostApi;
  queryClient: QueryClient;
  /** The provider's `messages`: overrides of the kit's English defaults (each component falls back to its own). */
  messages: Partial<Messages>;
  widget: WidgetSettings;
  /** Verification limits for every flow (a flow's own option wins). */
  verification: VerificationSettings | undefined;
  /** Sends a funnel event to the provider's `onEvent`. Stable. */
  emit: (event: ReconnectKitEvent) => void;
  /** The host's way to start a new connection, if it gave one. */
  onStartNewConnection: ((connection: Connection) => void) | undefined;
  /** Where soft prompts remember being dismissed; `null` keeps it in memory. */
  dismissStorage: DismissStorage | null;
  /** BCP 47 language tag of the catalog in use, if the host set one. */
  locale: string | undefined;
  /**
   * The provider's reconnect engines: created on first use (by the module that
   * runs them, so a page without a due prompt never loads it). Stable. Internal.
   */
  engines: EngineHolder;
}

/** Where a provider keeps its engine registry and the settings its engines act with. Internal. */
export interface EngineHolder {
  /** The provider's latest settings (updated after each commit). */
  readonly settings: { readonly current: EngineSettings };
  /** The cache the engines belong to (the settings' may be newer until the commit). */
  readonly queryClient: QueryClient;
  registry: unknown;
}

/** The part of Web Storage the kit uses to remember dismissed prompts. */
export type DismissStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const ReconnectKitContext = createContext<ReconnectKitContextValue | null>(null);

/** The provider's value; throws an error that names the fix when there is none. */
export function useReconnectKit(consumer: string): ReconnectKitContextValue {
  const value = useContext(ReconnectKitContext);
  if (!value) {
    throw new Error(
      `meld-reconnect-kit: \`${consumer}\` must be used inside <ReconnectKitProvider>. ` +
        'Wrap your app (or this part of it) in <ReconnectKitProvider baseUrl="/api/meld"> or <ReconnectKitProvider hostApi={...}>.',
    );
  }
  return value;
}
