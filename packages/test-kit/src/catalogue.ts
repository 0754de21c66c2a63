/**
 * What the English/Japanese parity tests of the console and of the agent's
 * pages share: a nested translation catalogue as flat `a.b.c` keys, and the
 * {{placeholders}} a text uses.
 */

/** Flattens a nested catalogue into `a.b.c` → value pairs (leaves as they are, whatever their type). */
export function flattenCatalogue(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      for (const [k, v] of flattenCatalogue(child, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** The {{name}} placeholders of a text, sorted. */
export function placeholders(text: unknown): string[] {
  return [...String(text).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort();
}
