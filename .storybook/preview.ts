import type { Preview } from '@storybook/react-vite';

const preview: Preview = {
  parameters: {
    // Every story is an accessibility test in Chromium: violations fail it.
    a11y: { test: 'error' },
    controls: { expanded: true },
  },
  tags: ['autodocs'],
};

export default preview;
