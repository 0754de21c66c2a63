/** Where the agent's own files are, relative to its compiled code. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The agent's page/ folder (beside dist/ in the package): the page's HTML and CSS. */
export function agentPageDir(): string {
  // Compiled to dist/pages/page-paths.js: two levels up is the package.
  return fileURLToPath(new URL('../../page/', import.meta.url));
}

/** The page's scripts, compiled from page/src by page/tsconfig.json into dist/page/. */
export function agentPageScriptsDir(): string {
  return fileURLToPath(new URL('../page/', import.meta.url));
}

/** i18next's self-contained ES module build, served to the consent page. */
export function i18nextBrowserModule(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('i18next/package.json')), 'dist', 'esm', 'i18next.js');
}
