import type { Decorator } from '@storybook/react-vite';
import { useState, type ReactNode } from 'react';
import { ReconnectKitProvider, es, type WidgetSettings } from '../../src/index.js';
import { findKit, type KitFixture } from './kit.js';

/**
 * The toolbar's themes. Brands are only `--mrk-*` tokens (stories/themes/*.css)
 * on top of the light or dark defaults.
 */
export const THEMES = {
  light: { title: 'Light', mode: 'light', brand: undefined },
  dark: { title: 'Dark', mode: 'dark', brand: undefined },
  fintech: { title: 'Fintech (green brand)', mode: 'light', brand: 'fintech' },
  midnight: { title: 'Midnight (dark purple brand)', mode: 'dark', brand: 'midnight' },
} as const;

export type ThemeName = keyof typeof THEMES;
export type LocaleName = 'en' | 'es';
export type Direction = 'ltr' | 'rtl';

/** Toolbar globals: theme, locale, direction. */
export const kitGlobalTypes = {
  theme: {
    description: 'Theme: light, dark, or a brand made only of tokens',
    toolbar: {
      title: 'Theme',
      icon: 'paintbrush',
      dynamicTitle: true,
      items: Object.entries(THEMES).map(([value, { title }]) => ({ value, title })),
    },
  },
  locale: {
    description: "The kit's message catalog",
    toolbar: {
      title: 'Locale',
      icon: 'globe',
      dynamicTitle: true,
      items: [
        { value: 'en', title: 'English' },
        { value: 'es', title: 'Español' },
      ],
    },
  },
  direction: {
    description: 'Text direction of the page',
    toolbar: {
      title: 'Direction',
      icon: 'transfer',
      dynamicTitle: true,
      items: [
        { value: 'ltr', title: 'Left to right' },
        { value: 'rtl', title: 'Right to left' },
      ],
    },
  },
};

export const kitInitialGlobals = { theme: 'light', locale: 'en', direction: 'ltr' };

function themeOf(value: unknown): (typeof THEMES)[ThemeName] {
  return typeof value === 'string' && value in THEMES ? THEMES[value as ThemeName] : THEMES.light;
}

/** The page around a story: theme (as a host app would set it on an ancestor), direction and language. */
export function ThemeFrame(props: { theme?: unknown; direction?: unknown; locale?: unknown; children: ReactNode }) {
  const { mode, brand } = themeOf(props.theme);
  return (
    <div
      className="sb-kit-frame"
      data-mrk-theme={mode}
      data-brand={brand}
      dir={props.direction === 'rtl' ? 'rtl' : 'ltr'}
      lang={props.locale === 'es' ? 'es' : 'en'}
    >
      {props.children}
    </div>
  );
}

/** The provider a host app would render, wired to the story's fixture. */
function KitProvider({ fixture, locale, children }: { fixture: KitFixture; locale: unknown; children: ReactNode }) {
  // The stand-in widget is served by Storybook itself, so its host must be allowed.
  // The dialog attaches inside the story's frame, so the toolbar's brand themes reach it too.
  const [widget] = useState<WidgetSettings>(() => ({
    allowedHosts: [window.location.host],
    container: (launcher) => launcher?.closest<HTMLElement>('.sb-kit-frame'),
  }));
  const { parameters } = fixture;
  const spanish = locale === 'es';
  return (
    <ReconnectKitProvider
      baseUrl={fixture.host.baseUrl}
      timeoutMs={parameters.timeoutMs}
      verification={parameters.verification}
      queryClient={fixture.queryClient}
      broadcastChannel={false}
      widget={widget}
      dismissStorage={fixture.dismissStorage}
      onEvent={fixture.onEvent}
      onStartNewConnection={parameters.withoutStartNewConnection ? undefined : fixture.onStartNewConnection}
      messages={spanish ? es : undefined}
      locale={spanish ? 'es' : undefined}
    >
      {children}
    </ReconnectKitProvider>
  );
}

/**
 * Wraps every story in the toolbar's theme, direction and language, and
 * stories with `parameters.kit` in a `ReconnectKitProvider` of their own.
 */
export const withKitStory: Decorator = (Story, context) => {
  const fixture = findKit(context);
  const { theme, direction, locale } = context.globals;
  return (
    <ThemeFrame theme={theme} direction={direction} locale={locale}>
      {fixture ? (
        <KitProvider fixture={fixture} locale={locale}>
          <Story />
        </KitProvider>
      ) : (
        <Story />
      )}
    </ThemeFrame>
  );
};
