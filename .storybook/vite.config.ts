import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // Storybook's manager and preview bundles are large by nature; they are not shipped.
  build: { chunkSizeWarningLimit: 4096 },
});
