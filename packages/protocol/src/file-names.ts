/**
 * The receiving side's rules for a file's name (issue 11, "names sanitised
 * on the receiving side"): whatever the sender wrote, the name that reaches
 * the disk is one plain file name inside the destination folder, valid on
 * Windows and Linux alike, never hidden, never a device. Isomorphic: the
 * agent, the technician's client and the console apply the same rules.
 */
import { utf8 } from './bytes.js';

/** Longest name kept, in UTF-8 bytes: ext4 and NTFS allow 255, and a numbered copy and a temporary prefix need room. */
export const MAX_SAFE_NAME_BYTES = 200;
/** Longest extension kept apart when a long name is cut. */
const MAX_EXTENSION_CHARS = 16;

/**
 * Windows' reserved device names, with or without an extension, in any case
 * (Microsoft, "Naming Files, Paths, and Namespaces", Naming Conventions):
 * CON, PRN, AUX, NUL, COM0-9, LPT0-9, also with superscript digits.
 */
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
/** Control characters (C0, DEL, C1) and what Windows forbids in a name: `< > : " / \ | ? *`. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f<>:"/\\|?*]/g;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = utf8(ch).length;
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/**
 * The name a received file gets: the last part of whatever path the sender
 * named (either separator), NFC, control and forbidden characters replaced
 * by `_`, leading dots and spaces and trailing dots and spaces removed (no
 * `..`, no hidden file; Windows drops trailing ones itself), a device name
 * prefixed by `_`, cut to {@link MAX_SAFE_NAME_BYTES} keeping its extension;
 * `file` when nothing is left.
 */
export function safeFileName(sent: string): string {
  const last = sent.split(/[/\\]/).filter((part) => part !== '').pop() ?? '';
  let name = last.normalize('NFC').replace(FORBIDDEN, '_').replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (RESERVED.test(name)) name = `_${name}`;
  if (utf8(name).length > MAX_SAFE_NAME_BYTES) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= MAX_EXTENSION_CHARS ? name.slice(dot) : '';
    name = cutToBytes(name.slice(0, name.length - ext.length), MAX_SAFE_NAME_BYTES - utf8(ext).length).replace(/[.\s]+$/, '') + ext;
  }
  return name === '' ? 'file' : name;
}

/** The `n`th alternative to an existing `name`: `report (2).pdf`; the first is the name itself. */
export function numberedFileName(name: string, n: number): string {
  if (n <= 1) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
