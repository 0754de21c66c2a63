/**
 * The customer's clipboard, text only, for the clipboard channel (the
 * files/clipboard issue). Text crosses it with `\n` line ends, whatever the
 * system keeps (Windows keeps `\r\n`).
 */

/** Bounds of clipboard text. */
export const CLIPBOARD_LIMITS = {
  /** Longest text read or written, UTF-16 code units (1 Mi: a page of text is a few thousand). */
  maxTextUnits: 1024 * 1024,
} as const;

/** A text clipboard. */
export interface TextClipboard {
  /** The clipboard's text, or undefined when it holds none (empty, or only pictures or files). */
  readText(): Promise<string | undefined>;
  /** Puts `text` on the clipboard, replacing what was there. */
  writeText(text: string): Promise<void>;
  /** Lets go of what the clipboard needed (a window on Windows). */
  close(): void;
}
