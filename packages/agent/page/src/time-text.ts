/** Times and durations in words, in the page's language. */
import type { Language } from './i18n/i18n.js';

const UNITS: Record<Language, [number, string][]> = {
  en: [[86400, ' d'], [3600, ' h'], [60, ' min'], [1, ' s']],
  ja: [[86400, '日'], [3600, '時間'], [60, '分'], [1, '秒']],
};

/** Time left in words, the two largest units: "1 h 5 min", "4 min 10 s"; "1時間5分", "4分10秒". */
export function leftText(ms: number, language: Language): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(ms / 1000));
  for (const [size, name] of UNITS[language]) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${n}${name}`);
    // Two units are enough to read at a glance.
    if (parts.length === 2) break;
  }
  return parts.join(language === 'ja' ? '' : ' ');
}

/**
 * A policy lifetime in words: English comes with the text from the agent
 * (`duration`); Japanese is made from `seconds`, every unit ("1日2時間").
 */
export function durationText(params: Record<string, string | number>, language: Language): string {
  const seconds = Number(params.seconds);
  if (language !== 'ja' || !Number.isFinite(seconds)) return String(params.duration ?? '');
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of UNITS.ja) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${name}`);
    rest -= n * size;
  }
  return parts.join('');
}

/** A point in time in local time, date and time. */
export function localTime(ms: number, language: Language): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));
}
