// The fixture every kit story gets: its own host backend (MSW), a fresh
// QueryClient, in-memory dismissals, and spies for the provider's callbacks.
// Created in the preview's `beforeEach` for stories with `parameters.kit`,
// handed to the decorator and to `play` through `context.loaded.kit`.
import { QueryClient } from '@tanstack/react-query';
import { action } from 'storybook/actions';
import { fn, type Mock } from 'storybook/test';
import type { Connection, DismissStorage, ReconnectKitEvent, VerificationSettings } from '../../src/index.js';
import { createHostMock, type HostMock, type HostScenario } from './hostMock.js';

export interface KitParameters {
  /** The host backend's data and answers. */
  host: HostScenario;
  /** Leaves out the provider's `onStartNewConnection`. */
  withoutStartNewConnection?: boolean | undefined;
  /** The host client's per-call timeout. */
  timeoutMs?: number | undefined;
  /** The provider's verification limits (how long the kit waits to confirm a repair). */
  verification?: VerificationSettings | undefined;
}

/** Dismissals kept per story, so that a snooze never leaks into another story or a reload. */
export class MemoryStorage implements DismissStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

export interface KitFixture {
  parameters: KitParameters;
  host: HostMock;
  queryClient: QueryClient;
  dismissStorage: MemoryStorage;
  /** The provider's `onStartNewConnection` (logged in the Actions panel). */
  onStartNewConnection: Mock<(connection: Connection) => void>;
  /** The provider's `onEvent` (logged in the Actions panel). */
  onEvent: Mock<(event: ReconnectKitEvent) => void>;
  dispose(): void;
}

/** `parameters` for a story that renders the kit against its own host backend. */
export function kit(parameters: KitParameters): { kit: KitParameters } {
  return { kit: parameters };
}

function createKitFixture(parameters: KitParameters): KitFixture {
  const host = createHostMock(parameters.host);
  const queryClient = new QueryClient();
  const logStart = action('onStartNewConnection');
  const logEvent = action('onEvent');
  return {
    parameters,
    host,
    queryClient,
    dismissStorage: new MemoryStorage(),
    onStartNewConnection: fn((connection: Connection) => logStart(connection)),
    onEvent: fn((event: ReconnectKitEvent) => logEvent(event)),
    dispose() {
      queryClient.clear();
      host.dispose();
    },
  };
}

interface FixtureContext {
  parameters: Record<string, unknown>;
  loaded: Record<string, unknown>;
}

/** Preview `beforeEach`: a fresh fixture per render of a story with `parameters.kit`. */
export function setUpKit(context: FixtureContext): (() => void) | undefined {
  const parameters = context.parameters.kit as KitParameters | undefined;
  if (!parameters) return undefined;
  const fixture = createKitFixture(parameters);
  context.loaded.kit = fixture;
  return () => fixture.dispose();
}

/** The story's fixture, if it has one. */
export function findKit(context: Pick<FixtureContext, 'loaded'>): KitFixture | undefined {
  return context.loaded.kit as KitFixture | undefined;
}

/** The story's fixture, in `play`: `const { host } = kitOf(context)`. */
export function kitOf(context: Pick<FixtureContext, 'loaded'>): KitFixture {
  const fixture = findKit(context);
  if (!fixture) throw new Error('This story has no kit fixture: give it `parameters: kit({ host: { connections: [...] } })`.');
  return fixture;
}
