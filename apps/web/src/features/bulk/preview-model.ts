// The column picker's view of a preview (pure: testable): rows rebuilt from each column's samples,
// how the file was read, and which column to send.
import type { BulkPreview } from '@postern/contracts';
import { columnLabel, formatShare } from './bulk-model.ts';

export type { BulkPreview };

/** The sample as rows (the preview holds up to 5 values per column, from the first rows). */
export function previewRows(preview: Pick<BulkPreview, 'columns'>): string[][] {
  const height = Math.max(0, ...preview.columns.map((column) => column.samples.length));
  return Array.from({ length: height }, (_, row) =>
    preview.columns.map((column) => column.samples[row] ?? ''),
  );
}

const DELIMITERS: Record<string, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
};

/** "CSV (semicolon-separated) with a header row" / "A plain list, one address per line". */
export function describeFormat(preview: Pick<BulkPreview, 'format' | 'delimiter' | 'header'>): string {
  if (preview.format === 'list')
    return `A plain list, one value per line${preview.header ? ', with a header' : ''}`;
  const name = preview.format === 'tsv' ? 'TSV' : 'CSV';
  const delimiter = preview.delimiter ? (DELIMITERS[preview.delimiter] ?? `“${preview.delimiter}”`) : null;
  const separated = delimiter ? ` (${delimiter}-separated)` : '';
  return `${name}${separated}, ${preview.header ? 'with a header row' : 'without a header row'}`;
}

/** The option text of a column in the picker: "email: 100% addresses". */
export function columnOption(column: BulkPreview['columns'][number], detected: number | null): string {
  const share = `${formatShare(column.emailShare)} addresses`;
  return `${columnLabel(column)}: ${share}${column.index === detected ? ' (detected)' : ''}`;
}

/**
 * The `column` field to send: nothing when the choice is the detected column (the server detects it
 * the same way on the whole file), else the chosen index.
 */
export function columnToSend(chosen: number | null, detected: number | null): number | undefined {
  if (chosen === null || chosen === detected) return undefined;
  return chosen;
}

/** Why the upload cannot start yet, or undefined. */
export function startProblem(
  preview: Pick<BulkPreview, 'detectedColumn'> | undefined,
  chosen: number | null,
): string | undefined {
  if (!preview) return 'Choose a file first.';
  if (chosen === null) return 'No column holds email addresses: choose the column to check.';
  return undefined;
}
