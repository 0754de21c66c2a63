import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { CONSOLE_PATH } from '@tandem/protocol';

/**
 * The console is served by the relay at `/console/` (same origin as the API;
 * the customer's support page is at `/`), built to dist/ with its assets
 * under that base. @tandem/protocol resolves through the workspace symlink
 * to its built dist/.
 */
export default defineConfig({
  base: CONSOLE_PATH,
  plugins: [react()],
  resolve: {
    preserveSymlinks: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
