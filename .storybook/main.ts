import type { StorybookConfig } from '@storybook/react-vite';
import remarkGfm from 'remark-gfm';
import { mergeConfig } from 'vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: [
    // GitHub-flavoured Markdown, so the docs pages' tables render as tables.
    { name: '@storybook/addon-docs', options: { mdxPluginOptions: { mdxCompileOptions: { remarkPlugins: [remarkGfm] } } } },
    '@storybook/addon-a11y',
    '@storybook/addon-vitest',
    'msw-storybook-addon',
  ],
  framework: {
    name: '@storybook/react-vite',
    // Storybook gets its own Vite config: the root one is the library build.
    options: { builder: { viteConfigPath: '.storybook/vite.config.ts' } },
  },
  core: { disableTelemetry: true },
  // Stand-ins served beside the stories (never copied into the library build):
  // Meld's widget stand-in and MSW's service worker.
  staticDirs: ['./public'],
  viteFinal: (config) =>
    mergeConfig(config, {
      // Pre-bundled up front: found late, Vite reloads the page mid-run and the Vitest run of the stories fails.
      optimizeDeps: { include: ['msw', 'msw/browser', 'msw-storybook-addon/csf3', 'storybook/actions'] },
      // Storybook's preview bundle is large by nature (axe, MSW) and never shipped.
      build: { chunkSizeWarningLimit: 4096 },
    }),
};

export default config;
