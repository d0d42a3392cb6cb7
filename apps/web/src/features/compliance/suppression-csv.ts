// The suppression list's files (pure: testable): reading the addresses of an uploaded file (one per
// line, or the first column of a CSV, a header row skipped), cutting them into batches for the add
// procedure, and writing the list as CSV for a download (cells that a spreadsheet would run as a
// formula are defused).

/** One line of the file that was not sent, and why. */
export interface SkippedLine {
  line: number;
  value: string;
  reason: 'not_an_address' | 'duplicate';
}

export interface ParsedAddresses {
  addresses: string[];
  skipped: SkippedLine[];
  /** The first line was a header (`email`, `address`…) and was not read as an address. */
  header: boolean;
}

/** The most lines one file may hold (the server takes at most 10 000 addresses per call). */
export const MAX_FILE_LINES = 100_000;
export const BATCH_SIZE = 1000;

const ADDRESS = /^[^\s@",;<>]+@[^\s@",;<>]+\.[^\s@",;<>]+$/;

/** The first field of a CSV line: up to the first comma/semicolon/tab outside quotes, unquoted. */
export function firstField(line: string): string {
  const text = line.trim();
  if (text.startsWith('"')) {
    let value = '';
    for (let index = 1; index < text.length; index += 1) {
      const char = text[index];
      if (char === '"') {
        if (text[index + 1] === '"') {
          value += '"';
          index += 1;
        } else return value.trim();
      } else value += char;
    }
    return value.trim();
  }
  const end = text.search(/[,;\t]/);
  return (end === -1 ? text : text.slice(0, end)).trim();
}

/** Looks like an address (the server's validator decides; this keeps headers and junk out). */
export function looksLikeAddress(value: string): boolean {
  return value.length >= 3 && value.length <= 320 && ADDRESS.test(value);
}

/**
 * The addresses of a file: one per line or the first column, blank lines ignored, a first line
 * without an address taken as a header, duplicates (ignoring case) and non-addresses reported.
 */
export function parseAddressFile(text: string): ParsedAddresses {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const seen = new Set<string>();
  const addresses: string[] = [];
  const skipped: SkippedLine[] = [];
  let header = false;
  let first = true;
  lines.forEach((raw, index) => {
    const value = firstField(raw);
    if (!value) return;
    const line = index + 1;
    if (first) {
      first = false;
      if (!value.includes('@')) {
        header = true;
        return;
      }
    }
    if (!looksLikeAddress(value)) {
      skipped.push({ line, value: value.slice(0, 100), reason: 'not_an_address' });
      return;
    }
    const key = value.toLowerCase();
    if (seen.has(key)) {
      skipped.push({ line, value, reason: 'duplicate' });
      return;
    }
    seen.add(key);
    addresses.push(value);
  });
  return { addresses, skipped, header };
}

/** `items` in consecutive groups of at most `size`. */
export function batches<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  if (size < 1) throw new RangeError('size must be at least 1');
  const groups: T[][] = [];
  for (let index = 0; index < items.length; index += size) groups.push(items.slice(index, index + size));
  return groups;
}

/**
 * The positions (0-based) the server named as invalid when it refused a batch (VALIDATION_FAILED
 * with `details.invalid: [{ index, reason }]`); empty when it named none.
 */
export function invalidPositions(details: Record<string, unknown> | undefined): number[] {
  const invalid = details?.invalid;
  if (!Array.isArray(invalid)) return [];
  return invalid
    .map((item) => (item as { index?: unknown } | null)?.index)
    .filter((index): index is number => typeof index === 'number' && Number.isInteger(index) && index >= 0);
}

/** A CSV cell: quoted when needed; a leading = + - @ (a formula to a spreadsheet) prefixed with '. */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface ExportRow {
  email: string;
  reason: string;
  source: string | null;
  createdAt: string;
}

/** The suppression list as CSV (header, then one line per entry, CRLF as RFC 4180 says). */
export function suppressionsCsv(rows: readonly ExportRow[]): string {
  const lines = [['email', 'reason', 'source', 'suppressed_at'].join(',')];
  for (const row of rows)
    lines.push([row.email, row.reason, row.source, row.createdAt].map((cell) => csvCell(cell)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** "suppressions-2026-12-06.csv" for the day `now` is in (UTC). */
export function exportName(now: number): string {
  return `suppressions-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
