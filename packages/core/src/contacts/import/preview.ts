// The import wizard's preview: the first bytes of the file read by the shared ingest preview (format,
// header, columns with samples, the detected email column; the same errors as an upload), plus the
// first rows in full and a guess at the name column.
import { BULK_PREVIEW_MAX_BYTES, type ContactImportPreview } from '@postern/contracts';
import { parse } from 'csv-parse/sync';
import { previewUpload } from '../../ingest/preview.ts';
import { normalizeHeader } from '../../ingest/sniff.ts';

const NAME_HEADERS = ['name', 'fullname', 'displayname', 'nom', 'nombre', 'firstname', 'contactname'];
const PREVIEW_ROWS = 10;

function firstRows(
  sample: Buffer,
  encoding: 'utf-8' | 'latin1',
  delimiter: string,
  header: boolean,
): string[][] {
  let text = sample.toString(encoding === 'latin1' ? 'latin1' : 'utf8').replace(/^\uFEFF/, '');
  if (sample.length >= BULK_PREVIEW_MAX_BYTES) text = text.slice(0, Math.max(text.lastIndexOf('\n'), 0));
  try {
    const records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      to_line: PREVIEW_ROWS + 5,
    }) as string[][];
    return records
      .filter((r) => r.some((cell) => cell.trim()))
      .slice(header ? 1 : 0, (header ? 1 : 0) + PREVIEW_ROWS)
      .map((r) => r.map((cell) => cell.slice(0, 200)));
  } catch {
    return [];
  }
}

export async function previewContactImport(
  sample: Buffer,
  options: { encoding: 'utf-8' | 'latin1'; format: 'auto' | 'csv' | 'tsv' },
): Promise<ContactImportPreview> {
  const preview = await previewUpload(sample, options);
  const names = preview.columns.map((c) => (c.name ? normalizeHeader(c.name) : ''));
  const nameIndex = NAME_HEADERS.map((n) => names.indexOf(n)).find((i) => i >= 0);
  return {
    ...preview,
    emailColumn: preview.detectedColumn,
    nameColumn: nameIndex ?? null,
    rows: firstRows(sample, options.encoding, preview.delimiter ?? ',', preview.header),
  };
}
