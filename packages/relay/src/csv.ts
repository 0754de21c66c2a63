/**
 * CSV per RFC 4180: CRLF line ends, fields quoted when they hold a comma,
 * quote, CR or LF, quotes doubled (§2.6, §2.7). Cells starting with = + - @
 * (or tab/CR, which some spreadsheets strip first) are prefixed with a single
 * quote so a spreadsheet does not run them as formulas (OWASP "CSV injection").
 */
export type CsvCell = string | number | null | undefined;

/** Makes one cell safe against formula injection and quotes it when needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Renders a header row and data rows as a CSV document. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
