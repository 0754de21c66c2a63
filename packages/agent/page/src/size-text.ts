/** Sizes of files and speeds in the page's language, in SI units (powers of 1000, as GNOME and macOS show them). */
import type { Language } from './i18n/i18n.js';

/** The units, powers of 1000 (SI, as macOS and GNOME show sizes). */
const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** `bytes` in the largest unit that keeps it at 1 or more, one decimal below 10: "1.5 MB", "980 kB", "12 byte" (a speed: the same, the caller's text adds "/s"). */
export function sizeText(bytes: number, language: Language): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  return new Intl.NumberFormat(language, { style: 'unit', unit: UNITS[unit], unitDisplay: 'short', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}
