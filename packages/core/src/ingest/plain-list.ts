// Plain-list reader (uploads): one address a line (LF, CRLF or CR, even split across chunks), blank lines
// skipped, a line wrapped whole in double quotes unquoted. Memory: one line at most `maxRowBytes`.
import { DomainError } from '../errors.ts';
import { formatBytes } from './decode.ts';

export function rowTooLargeError(fileRow: number, maxRowBytes: number): DomainError {
  return new DomainError(
    'VALIDATION_FAILED',
    `Row ${fileRow} is larger than ${formatBytes(maxRowBytes)}; check for a quote that is never closed`,
    { row: fileRow, maxRowBytes },
  );
}

/** `"a@example.com"` -> `a@example.com` (with `""` as an escaped quote); anything else as is. */
export function unquoteLine(line: string): string {
  const s = line.trim();
  if (s.length < 2 || s.charCodeAt(0) !== 0x22 || s.charCodeAt(s.length - 1) !== 0x22) return line;
  const inner = s.slice(1, -1);
  if (inner.replaceAll('""', '').includes('"')) return line;
  return inner.replaceAll('""', '"');
}

/** Records (one field each) of a plain list given as UTF-8 chunks; an empty line is `['']` (it keeps line numbers). */
export async function* listRecords(
  chunks: AsyncIterable<Buffer>,
  maxRowBytes: number,
): AsyncGenerator<string[], void, undefined> {
  let partial = '';
  let pendingCr = false;
  let rows = 0;
  for await (const chunk of chunks) {
    const text = chunk.toString('utf8');
    let lineStart = 0;
    if (pendingCr) {
      pendingCr = false;
      if (text.charCodeAt(0) === 0x0a) lineStart = 1;
    }
    for (let i = lineStart; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      const line = partial + text.slice(lineStart, i);
      partial = '';
      if (c === 0x0d) {
        if (i + 1 === text.length) pendingCr = true;
        else if (text.charCodeAt(i + 1) === 0x0a) i++;
      }
      lineStart = i + 1;
      if (line.length === 0) {
        rows++;
        yield [''];
        continue;
      }
      if (line.length > maxRowBytes) throw rowTooLargeError(rows + 1, maxRowBytes);
      rows++;
      yield [unquoteLine(line)];
    }
    if (lineStart < text.length) {
      partial += text.slice(lineStart);
      if (partial.length > maxRowBytes) throw rowTooLargeError(rows + 1, maxRowBytes);
    }
  }
  if (partial.length > 0) yield [unquoteLine(partial)];
}
