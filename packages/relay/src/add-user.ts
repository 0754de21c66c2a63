import type { AccountRole } from '@tandem/protocol';
import { Accounts } from './accounts.js';
import { AuditLog } from './audit.js';
import { DEFAULT_PUBLIC_URL, readSavedConfig, setupLinkUrl } from './config.js';
import { openStorage } from './storage.js';
import { TokenStore } from './tokens.js';

/** Options of {@link addUser}. */
export interface AddUserOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  username: string;
  role: AccountRole;
  displayName?: string | undefined;
  team?: string | undefined;
  /** Sets the password now; otherwise a one-time set-up link is returned. */
  password?: string | undefined;
  /** Recorded in the audit as who added the user. Default `cli`. */
  actor?: string;
}

/**
 * Creates an account directly in the relay's database (works whether or not
 * a relay is running on it). Without a password it returns a one-time set-up
 * link built on the public URL saved by the last start (else
 * https://localhost:8443).
 */
export async function addUser(options: AddUserOptions): Promise<{ setupLink?: string }> {
  const storage = await openStorage({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  try {
    const audit = new AuditLog(storage);
    const accounts = new Accounts({ storage, audit, tokens: new TokenStore(storage) });
    await accounts.addUser(
      { username: options.username, role: options.role, displayName: options.displayName, team: options.team, password: options.password },
      options.actor ?? 'cli',
    );
    await audit.flush();
    if (options.password !== undefined) return {};
    const token = await accounts.createSetupLink(options.username);
    const publicUrl = readSavedConfig(options.dataDir)?.publicUrl ?? DEFAULT_PUBLIC_URL;
    return { setupLink: setupLinkUrl(publicUrl, token) };
  } finally {
    await storage.close();
  }
}
