/**
 * The help desk a relay serves: its name, support phone number and logo, as
 * the administrator gives them to `tandem-relay start` (`--help-desk-name`,
 * `--help-desk-phone`, `--help-desk-logo`). The relay shows them on its
 * public support page and stamps the name into the agents it serves, so a
 * customer sees whom they are about to let in.
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { LIMITS, TandemError, assertPlainName } from '@tandem/protocol';

/** The help desk's identity. */
export interface HelpDesk {
  /** Shown on the support page and in the agent's window. */
  name: string;
  /** A support phone number, shown as given. */
  phone?: string;
  /** A PNG or SVG file shown on the support page. */
  logoFile?: string;
}

/** Largest logo the relay serves, bytes. */
export const MAX_LOGO_BYTES = 256 * 1024;

/** Logo files the support page can show, by extension, with their media types. */
export const LOGO_TYPES: Readonly<Record<string, string>> = { '.png': 'image/png', '.svg': 'image/svg+xml' };

/**
 * The help desk from the start options; undefined when no name is given.
 * Throws TANDEM_ERR_BAD_INPUT naming the option for anything unusable.
 */
export function parseHelpDesk(options: { name?: string | undefined; phone?: string | undefined; logoFile?: string | undefined }): HelpDesk | undefined {
  const { name, phone, logoFile } = options;
  if (name === undefined) {
    if (phone !== undefined || logoFile !== undefined) throw new TandemError('TANDEM_ERR_BAD_INPUT', '--help-desk-phone and --help-desk-logo need --help-desk-name');
    return undefined;
  }
  assertPlainName(name, '--help-desk-name', LIMITS.maxNameChars, 1);
  const desk: HelpDesk = { name };
  if (phone !== undefined) {
    assertPlainName(phone, '--help-desk-phone', 40, 1);
    desk.phone = phone;
  }
  if (logoFile !== undefined) {
    if (LOGO_TYPES[extname(logoFile).toLowerCase()] === undefined) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--help-desk-logo: ${logoFile} must be a .png or .svg file`);
    let size: number;
    try {
      size = statSync(logoFile).size;
    } catch (err) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `--help-desk-logo: cannot read ${logoFile}: ${(err as Error).message}`, { cause: err });
    }
    if (size > MAX_LOGO_BYTES) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--help-desk-logo: ${logoFile} is larger than ${MAX_LOGO_BYTES} bytes`);
    desk.logoFile = logoFile;
  }
  return desk;
}
