import type { Preview } from '@storybook/react-vite';
import { setupWorker } from 'msw/browser';
import { mswLoader } from 'msw-storybook-addon/csf3';
// The opt-in stylesheet, as a host app imports it (`meld-reconnect-kit/styles.css`).
import '../src/theme/tokens.css';
import '../src/theme/components.css';
// Two brand themes made only of tokens, and the stories' own chrome.
import '../stories/themes/fintech.css';
import '../stories/themes/midnight.css';
import '../stories/support/storyFrame.css';
import { hostRoutes } from '../stories/support/hostMock.js';
import { setUpKit } from '../stories/support/kit.js';
import { kitGlobalTypes, kitInitialGlobals, withKitStory } from '../stories/support/KitStory.js';

const preview: Preview = {
  // MSW answers the host endpoints; anything else (Storybook's own files, the stand-in widget) goes to the network.
  loaders: [
    mswLoader(async () => {
      const worker = setupWorker(...hostRoutes);
      await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
      return worker;
    }),
  ],
  beforeEach: [setUpKit],
  decorators: [withKitStory],
  globalTypes: kitGlobalTypes,
  initialGlobals: kitInitialGlobals,
  parameters: {
    // Every story is an accessibility test in Chromium: violations fail it.
    a11y: { test: 'error' },
    controls: { expanded: true },
    layout: 'fullscreen',
  },
  tags: ['autodocs'],
};

export default preview;
