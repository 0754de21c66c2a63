import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console is served by the relay at `/` (same origin as the API), built
 * to dist/ with relative asset paths so the relay can serve it from any base.
 * @tandem/protocol resolves through the workspace symlink to its built dist/.
 */
export default defineConfig({
  base: './',
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
