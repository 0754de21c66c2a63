import { defineConfig } from 'vite';

/**
 * The support page is served by the relay at `/` (index.html) with its
 * assets under `/support/` (packages/relay/src/support-page.ts), beside the
 * console at `/console/`. One entry and no dynamic import: no module-preload
 * polyfill, and nothing inline, so the relay's CSP (`script-src 'self'`,
 * `style-src 'self'`) holds as it is.
 */
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'support',
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
});
