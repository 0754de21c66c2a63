/**
 * The customer's name as the operating system knows it: the full-name part
 * of the GECOS field of the current user's /etc/passwd entry (passwd(5)),
 * falling back to the user name.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { plainName } from '@tandem/protocol';

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
}

/** The current user's full name from /etc/passwd, or the user name when there is none. */
export function osFullName(source: OsUserSource = {}): string {
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
