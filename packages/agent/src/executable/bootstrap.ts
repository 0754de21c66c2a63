/**
 * The downloaded agent's main script (Node's single executable application,
 * docs/agent-file.md), bundled into CommonJS by scripts/build-agents.mjs.
 * In this order, and before anything else:
 *
 * 1. checks its own file (own-file.ts): a damaged or truncated download is
 *    refused with TANDEM_ERR_AGENT_DAMAGED and nothing else happens;
 * 2. removes what agents killed earlier left behind, then makes its private
 *    temporary folder (mode 0700) and writes its parts there (sea-assets.ts):
 *    TANDEM_ERR_TEMP_UNWRITABLE when it cannot;
 * 3. promises to remove that folder, and its own file if the customer wants
 *    (self-removal.ts), at exit however it comes: the session over, Ctrl+C,
 *    SIGTERM, the window closed (SIGHUP), an uncaught error;
 * 4. loads the agent's code from the folder and runs the command line with
 *    the relay's stamp as its defaults (agent-executable.ts).
 */
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import * as sea from 'node:sea';
import { toTandemError } from '@tandem/protocol';
import type { ProcessIo } from '@tandem/node-client';
import { RemovalChoice } from '../system/removal-choice.js';
import { AGENT_BUNDLE_PATH, type DownloadedAgentModule } from './downloaded-agent.js';
import { checkAgentFile } from './own-file.js';
import { PrivateFolder, removeStaleFolders } from './private-folder.js';
import { extractParts } from './sea-assets.js';
import { cleanUp } from './self-removal.js';

function report(err: unknown): void {
  const error = toTandemError(err);
  process.stderr.write(`error: ${error.code} ${error.message}\n`);
}

/**
 * The process as the command line sees it (node-client's processIo, written
 * out here so that the start bundles nothing of the relay transport), with
 * SIGHUP (the terminal window closed) ending the session like SIGTERM.
 */
function agentIo(): ProcessIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    exit: (code) => process.exit(code),
    onSignal: (handler) => {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
    },
  };
}

function isAgentModule(value: unknown): value is DownloadedAgentModule {
  return typeof value === 'object' && value !== null && typeof (value as { runDownloadedAgent?: unknown }).runDownloadedAgent === 'function';
}

async function start(): Promise<number> {
  const executable = process.execPath;
  // 1. Nothing runs from a damaged file.
  const info = await checkAgentFile(executable);
  // 2. The private folder and the parts in it.
  removeStaleFolders();
  const folder = PrivateFolder.create();
  const removal = new RemovalChoice(true);
  let cleaned = false;
  // 3. One clean-up, at exit, however the process ends (process.exit included).
  process.on('exit', () => {
    if (cleaned) return;
    cleaned = true;
    const outcome = cleanUp({ folder: folder.path, ...(removal.armed && removal.on ? { executable } : {}) });
    if (outcome.kind === 'failed') process.stderr.write(`Could not remove ${removal.armed && removal.on ? `${executable} and ` : ''}${folder.path}: ${outcome.reason}\n`);
  });
  process.on('uncaughtException', (err) => {
    report(err);
    process.exit(1);
  });
  // A closed terminal makes every write fail: the session goes on ending as the signal asked.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  extractParts(sea, folder);
  // 4. The agent's code, from the folder, where it finds its parts.
  const bundle = join(folder.path, AGENT_BUNDLE_PATH);
  const agent: unknown = createRequire(bundle)(bundle);
  if (!isAgentModule(agent)) throw new Error(`${AGENT_BUNDLE_PATH} does not export runDownloadedAgent`);
  const code = await agent.runDownloadedAgent({
    argv: process.argv.slice(2),
    program: basename(executable),
    ...(info.stamp !== undefined ? { stamp: info.stamp } : {}),
    removal,
    io: agentIo(),
  });
  if (removal.armed && removal.on) process.stderr.write(`Tandem removes itself from this computer now (${executable}).\n`);
  return code;
}

start().then(
  (code) => process.exit(code),
  (err: unknown) => {
    report(err);
    process.exit(1);
  },
);
