/**
 * RFC 4180 text for spreadsheets. A cell a spreadsheet would run as a formula (=, +, -, @ first) is prefixed
 * with an apostrophe: quotes from the news are data, never commands.
 */
type Cell = string | number | boolean | undefined | null;

const cell = (value: Cell): string => {
  const text = value === undefined || value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const toCsv = (header: readonly string[], rows: readonly (readonly Cell[])[]): string =>
  [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
