/**
 * Splits a session code into groups that are easy to read out over the
 * phone: groups of 3 or 4 digits, as even as possible, the longer groups
 * last (8 → 4 4, 9 → 3 3 3, 10 → 3 3 4, 11 → 3 4 4).
 */
export function groupCode(code: string): string[] {
  const digits = code.replace(/\D/g, '');
  if (digits.length <= 4) return digits === '' ? [] : [digits];
  const groups = Math.ceil(digits.length / 4);
  const base = Math.floor(digits.length / groups);
  const longer = digits.length % groups;
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < groups; i++) {
    const size = base + (i >= groups - longer ? 1 : 0);
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out;
}

/** Formats milliseconds left as `m:ss` (never negative). */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}
