import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'storybook-static',
      '**/node_modules',
      '.reports',
      '.storybook/public',
      // The example apps' build output and generated files.
      'examples/.kit',
      'examples/*/.next',
      'examples/*/.checks',
      'examples/*/dist',
      'examples/*/next-env.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Core must stay framework-free and never touch DOM globals at import time. Types from
    // TanStack Query are allowed (its query options are typed for it), never a runtime import.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react-dom', '../*'] },
            { group: ['@tanstack/*'], allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // Scripts, and the example apps' servers, print where they listen.
    files: ['scripts/**/*.mjs', 'test/package/**', 'examples/*.mjs', 'examples/*/scripts/**', 'examples/*/server/**', 'test/examples/**'],
    rules: { 'no-console': 'off' },
  },
);
