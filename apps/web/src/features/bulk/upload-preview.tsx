// The preview of an upload: how the start of the file reads, which column holds the addresses (to
// change if the detection is wrong), and the first rows with that column highlighted.
import { Alert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { SelectField } from '../../components/select.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { columnLabel, formatFileSize, formatShare, PREVIEW_BYTES } from './bulk-model.ts';
import { type BulkPreview, columnOption, describeFormat, previewRows } from './preview-model.ts';

type PreviewColumn = BulkPreview['columns'][number];

function previewColumns(preview: BulkPreview, chosen: number | null): Column<string[]>[] {
  return preview.columns.map((col: PreviewColumn) => ({
    id: String(col.index),
    header: columnLabel(col),
    headerData: {
      'data-testid': 'preview-column',
      'data-index': col.index,
      'data-chosen': col.index === chosen,
      'aria-current': col.index === chosen ? 'true' : undefined,
    },
    headerClassName: `align-bottom whitespace-nowrap ${col.index === chosen ? 'bg-indigo-100/80 text-indigo-900' : ''}`,
    headerContent: (
      <>
        <span className="block max-w-48 truncate text-slate-800">{columnLabel(col)}</span>
        <span className="mt-0.5 flex items-center gap-1.5 font-normal">
          <span className="tabular-nums" data-testid="column-share">
            {formatShare(col.emailShare)} addresses
          </span>
          {col.index === preview.detectedColumn ? (
            <Badge tone="indigo" className="px-1.5 py-0 text-[0.65rem]" testId="detected-badge">
              Detected
            </Badge>
          ) : null}
        </span>
      </>
    ),
    className: 'max-w-56 truncate font-mono text-xs text-slate-700',
    cellClassName: () => col.index === chosen && 'bg-indigo-50 font-medium text-indigo-900',
    title: (row) => row[col.index],
    cell: (row) => row[col.index] || <span className="text-slate-500">—</span>,
  }));
}

function PreviewTable({ preview, column }: { preview: BulkPreview; column: number | null }) {
  const rows = previewRows(preview);
  return (
    <DataTable
      rows={rows}
      columns={previewColumns(preview, column)}
      rowKey={(row) => String(rows.indexOf(row))}
      caption="The first rows of the file; the column to check is highlighted"
      testId="preview-table"
      layout="scroll"
      density="compact"
      className="rounded-lg ring-1 ring-slate-200"
    />
  );
}

function columnNote(column: number | null, detected: number | null): string | null {
  if (column === null) return null;
  return column === detected
    ? 'Detected from the header and content.'
    : 'Chosen by you: rows without an address in it are counted as rejected.';
}

/** While the start of the file is read (shared with the contact import wizard). */
export function PreviewLoading({ testId }: { testId: string }) {
  return (
    <div data-testid={testId} aria-busy="true" className="space-y-3">
      <p className="flex items-center gap-2 text-sm text-slate-600" role="status">
        <Spinner className="size-4 text-indigo-600" /> Reading the start of the file…
      </p>
      <Skeleton className="h-8 w-full" />
      <Skeleton className="h-24 w-full" />
    </div>
  );
}

export function ColumnPreview({
  preview,
  column,
  onColumn,
  fileSize,
}: {
  preview: { isPending: boolean; isError: boolean; error: unknown; data: BulkPreview | undefined };
  column: number | null;
  onColumn: (column: number | null) => void;
  fileSize: number;
}) {
  if (preview.isPending) return <PreviewLoading testId="preview-loading" />;
  if (preview.isError)
    return (
      <Alert tone="error" title="This file cannot be read" testId="preview-error">
        {userMessage(preview.error)}
      </Alert>
    );
  const data = preview.data;
  if (!data) return null;
  return (
    <div className="space-y-4" data-testid="preview">
      <p className="text-sm text-slate-600" data-testid="preview-format">
        {describeFormat(data)} · {data.sampleRows} {data.sampleRows === 1 ? 'row' : 'rows'} in the first{' '}
        {formatFileSize(Math.min(fileSize, PREVIEW_BYTES))}
      </p>
      {data.detectedColumn === null ? (
        <Alert tone="warning" title="No column holds email addresses" testId="no-email-column">
          None of the first rows look like addresses. Choose the column that holds them, or check that this is
          the right file.
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-[minmax(0,20rem)_1fr] sm:items-end">
        <SelectField
          label="Column to check"
          testId="column-select"
          value={column === null ? '' : String(column)}
          onChange={(event) => onColumn(event.target.value === '' ? null : Number(event.target.value))}
        >
          {column === null ? <option value="">Choose a column…</option> : null}
          {data.columns.map((col) => (
            <option key={col.index} value={col.index}>
              {columnOption(col, data.detectedColumn)}
            </option>
          ))}
        </SelectField>
        <p className="text-xs text-slate-500 sm:pb-2.5" data-testid="column-note">
          {columnNote(column, data.detectedColumn)}
        </p>
      </div>
      <PreviewTable preview={data} column={column} />
    </div>
  );
}
