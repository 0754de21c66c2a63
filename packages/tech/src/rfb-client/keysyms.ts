import { TandemError } from '@tandem/protocol';

/** X keysyms for the control characters `/type` accepts (X11 keysymdef.h). */
const CONTROL_KEYSYMS: ReadonlyMap<number, number> = new Map([
  [0x08, 0xff08], // BackSpace
  [0x09, 0xff09], // Tab
  [0x0a, 0xff0d], // Return (a typed newline is the Return key)
  [0x0d, 0xff0d], // Return
  [0x1b, 0xff1b], // Escape
]);

/**
 * The X keysym for one Unicode code point (RFC 6143 §7.5.4 uses X keysyms):
 * Latin-1 printable characters are their own keysyms, the control characters
 * above map to their keys, everything else is 0x01000000 + code point (the
 * Unicode keysym range of X11's keysymdef.h).
 */
export function keysymForCodePoint(cp: number): number {
  const control = CONTROL_KEYSYMS.get(cp);
  if (control !== undefined) return control;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `cannot type control character U+${cp.toString(16).padStart(4, '0')}`);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `not a Unicode scalar value: ${cp}`);
  return 0x01000000 + cp;
}

/**
 * Expands the escapes of a `/type` argument: `\n` Return, `\t` Tab, `\e`
 * Escape, `\b` BackSpace, `\\` a backslash. Any other backslash is an error
 * rather than a guess.
 */
export function unescapeTypeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    switch (next) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'e': out += '\x1b'; break;
      case 'b': out += '\b'; break;
      case '\\': out += '\\'; break;
      default: throw new TandemError('TANDEM_ERR_BAD_INPUT', `/type: unknown escape \\${next ?? ''} (use \\n, \\t, \\e, \\b or \\\\)`);
    }
  }
  return out;
}

/** The keysyms for typing `text`, one per character (code point). */
export function keysymsForText(text: string): number[] {
  // Each element of Array.from(string) is one whole code point, so codePointAt(0) is always defined.
  return Array.from(text, (ch) => keysymForCodePoint(ch.codePointAt(0) ?? 0));
}
