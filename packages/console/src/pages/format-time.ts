/** Formats an audit timestamp (ms since the epoch or ISO text) in the UI language; '' when absent. */
export function formatTimestamp(value: number | string | null | undefined, language: string, style: 'medium' | 'short' = 'medium'): string {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(language, { dateStyle: style, timeStyle: 'medium' }).format(date);
}
