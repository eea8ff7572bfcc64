import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The front end only: Express (server/) serves it, with the API, on one origin.
export default defineConfig({
  plugins: [react()],
});
