// COPY … FROM STDIN (text format) on a pg client, for the import's set-based writes: one round trip for
// tens of thousands of rows, far cheaper than a JSON record set or an ORM insert.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | boolean | null;

/** A value in COPY's text format: \\N for null; backslash, tab, newline and carriage return escaped. */
export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c] as string) : value;
}
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One row as a line of COPY's text format (built without intermediate arrays: millions of rows). */
function line(row: readonly CopyValue[]): string {
  let out = copyField(row[0] ?? null);
  for (let i = 1; i < row.length; i++) out += `\t${copyField(row[i] ?? null)}`;
  return `${out}\n`;
}

/**
 * Copies ready lines (COPY text format, each ending in a newline: see copyField) into
 * `table (columns)` on `client` (inside its transaction, when one is open). The import's hot tables
 * build their lines from per-chunk constant segments (chunk.ts): only values a person typed are escaped.
 */
export async function copyLines(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  lines: readonly string[],
): Promise<void> {
  if (!lines.length) return;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  // Written in pieces of ~1 MB so no single string grows without bound.
  let buffer = '';
  for (const text of lines) {
    buffer += text;
    if (buffer.length > 1_000_000) {
      if (!stream.write(buffer)) await new Promise((resolve) => stream.once('drain', resolve));
      buffer = '';
    }
  }
  stream.end(buffer);
  await done;
}

/** Copies `rows` (values escaped here) into `table (columns)` on `client`. */
export function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  return copyLines(client, table, columns, rows.map(line));
}
