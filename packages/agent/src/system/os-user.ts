/**
 * The customer's name as the operating system knows it: on Linux the
 * full-name part of the GECOS field of the current user's /etc/passwd entry
 * (passwd(5)), on Windows the account's display name (GetUserNameExW
 * NameDisplay, system/windows/account-name.ts); either way falling back to
 * the user name.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { plainName } from '@tandem/protocol';
import { loadWindowsDisplayName } from './windows/account-name.js';

/**
 * The full name in a GECOS field: its first comma-separated part, with `&`
 * standing for the capitalised user name (the BSD finger convention).
 * Returns '' when there is none.
 */
export function gecosFullName(gecos: string, username: string): string {
  const first = gecos.split(',')[0] ?? '';
  const capitalised = username.charAt(0).toUpperCase() + username.slice(1);
  return first.replace(/&/g, capitalised).trim();
}

/** Finds `username`'s GECOS field in the text of a passwd file, or undefined. */
export function passwdGecos(passwdText: string, username: string): string | undefined {
  for (const line of passwdText.split('\n')) {
    const fields = line.split(':');
    // name:password:uid:gid:gecos:home:shell
    if (fields.length >= 7 && fields[0] === username) return fields[4];
  }
  return undefined;
}

/** Where {@link osFullName} looks; injectable for tests. */
export interface OsUserSource {
  username?: string;
  passwdPath?: string;
  /** Whose convention: process.platform by default. */
  platform?: NodeJS.Platform;
  /** The Windows display name (default: GetUserNameExW); undefined when the account has none. */
  windowsDisplayName?: () => string | undefined;
}

/** The Windows account's display name, or the user name when it has none or it cannot be asked. */
function windowsFullName(source: OsUserSource): string {
  const username = source.username ?? os.userInfo().username;
  let display: string | undefined;
  try {
    display = (source.windowsDisplayName ?? loadWindowsDisplayName)();
  } catch {
    // koffi cannot be loaded: the name is only a default the customer can change, and the user name will do.
    display = undefined;
  }
  return plainName(display ?? username);
}

/** The current user's full name from /etc/passwd (Windows: the account), or the user name when there is none. */
export function osFullName(source: OsUserSource = {}): string {
  if ((source.platform ?? process.platform) === 'win32') return windowsFullName(source);
  let username = source.username;
  if (username === undefined) {
    try {
      username = os.userInfo().username;
    } catch {
      // No passwd entry for this uid (e.g. a bare container user): no name to offer.
      return '';
    }
  }
  let text: string;
  try {
    text = readFileSync(source.passwdPath ?? '/etc/passwd', 'utf8');
  } catch {
    // No readable passwd file (other platforms, sandboxes): the user name will do.
    return username;
  }
  const gecos = passwdGecos(text, username);
  const full = gecos === undefined ? '' : gecosFullName(gecos, username);
  // Shown to the technician and kept in the audit: no control or bidirectional-text characters (assertPlainName).
  return plainName(full === '' ? username : full);
}
