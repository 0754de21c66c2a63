/** A customer's computer for one test: the agent's state folder, and policy files only where the test writes them. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

/** Paths and environment for an agent with its own state folder and no policy unless written. */
export class AgentHome {
  readonly dir: string;

  constructor() {
    this.dir = tempDir('tandem-home-');
  }

  /** The environment: state under the folder, policy files only where written. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      XDG_STATE_HOME: join(this.dir, 'state'),
      TANDEM_POLICY_SYSTEM: join(this.dir, 'system-policy.json'),
      TANDEM_POLICY_USER: join(this.dir, 'user-policy.json'),
      ...extra,
    };
  }

  /** Writes the user policy file. */
  userPolicy(policy: object): void {
    writeFileSync(join(this.dir, 'user-policy.json'), JSON.stringify({ version: 1, ...policy }));
  }

  /** Writes a file in the folder and returns its path. */
  file(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  }

  /** Removes the folder. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
