/**
 * Where the repository's programs are: tests run the built command lines
 * (`npm run build` first), exactly as a help desk's script would.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root folder. */
export const ROOT = resolve(import.meta.dirname, '../../..');
/** The relay's command line (`tandem-relay`). */
export const RELAY_BIN = join(ROOT, 'packages/relay/bin/tandem-relay.js');
/** The `tandem` command line (the customer's and the technician's commands). */
export const TANDEM_BIN = join(ROOT, 'packages/cli/bin/tandem.js');

/** The downloadable agents as `npm run build:agents` writes them (docs/agent-file.md). */
export const AGENTS_DIR = join(ROOT, 'packages/agent/dist/agents');

/** What each command line runs, as `npm run build` writes it. */
const BUILT = { relay: 'packages/relay/dist/cli.js', cli: 'packages/cli/dist/index.js', agents: 'packages/agent/dist/agents/tandem-linux-x64' } as const;

/** Fails with the command to run when a command line's package is not built. */
export function assertBuilt(what: keyof typeof BUILT): void {
  if (!existsSync(join(ROOT, BUILT[what]))) throw new Error(`${BUILT[what]} is not built: run "npm run build" first`);
}
