/**
 * The `tandem` command line as tests run it (the built packages/cli): the
 * customer's `join`, `invite`, `invitations`, `expire` and the technician's
 * `tech session`, `tech invitation`, each a real process ({@link Proc}),
 * and answering the agent's consent question on its terminal.
 */
import { Proc } from './process.js';
import { TANDEM_BIN, assertBuilt } from './repo-paths.js';
import type { AgentHome } from './agent-home.js';
import type { RelayFixture } from './relay-process.js';

/** Starts `tandem ARGS` as the process `name` (stdout, stderr and stdin as for {@link Proc}). */
export function tandem(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  assertBuilt('cli');
  return new Proc(name, process.execPath, [TANDEM_BIN, ...args], env);
}

/** Starts `tandem invite --no-browser ARGS` in `home` (its state and policy there), stopped with `fixture`. */
export function invite(fixture: RelayFixture, home: AgentHome, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return fixture.track(tandem('invite', ['invite', '--no-browser', ...args], home.env(env)));
}

/**
 * Starts `tandem tech invitation FILE_OR_LINK` with the technician's relay:
 * the fixture's (`--relay URL`), unless `extra` names the relays itself.
 */
export function techInvitation(fixture: RelayFixture, invitation: string, user: string, pwFile: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Proc {
  const relays = extra.includes('--relay') ? [] : ['--relay', fixture.url];
  return fixture.track(tandem(`tech-inv ${user}`, ['tech', 'invitation', invitation, '--user', user, '--password-file', pwFile, ...relays, ...extra], env));
}

/** Runs a `tandem` command to its end in `home`; resolves with its process. */
export async function agentRun(home: AgentHome, args: string[]): Promise<Proc> {
  const p = tandem('agent', args, home.env());
  await p.exitCode();
  return p;
}

/** Answers the agent's consent question on its terminal with yes. */
export async function acceptOnTerminal(agent: Proc): Promise<void> {
  await agent.waitFor(/\[y\/n\]$/, 20_000, 'err');
  agent.send('y');
}
