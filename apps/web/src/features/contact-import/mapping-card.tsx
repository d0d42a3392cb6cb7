// Step 2 of the import: how the start of the file reads, what each column is imported as (the email
// column is required, a name column optional, any other column an attribute under a key), and the
// first rows under those roles.
import type { ContactImportPreview } from '@postern/contracts';
import { Alert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { Field } from '../../components/field.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { columnLabel, formatFileSize, PREVIEW_BYTES } from '../bulk/bulk-model.ts';
import { describeFormat } from '../bulk/preview-model.ts';
import { PreviewLoading } from '../bulk/upload-preview.tsx';
import {
  assignColumn,
  COLUMN_USES,
  type ColumnUse,
  columnRole,
  columnUse,
  type Mapping,
  type MappingProblems,
} from './import-model.ts';
import type { ImportWizard } from './use-import-wizard.ts';

type PreviewColumn = ContactImportPreview['columns'][number];

function RowsTable({ preview, mapping }: { preview: ContactImportPreview; mapping: Mapping }) {
  const columns: Column<string[]>[] = preview.columns.map((col: PreviewColumn) => ({
    id: String(col.index),
    header: columnLabel(col),
    headerContent: (
      <>
        <span className="block max-w-48 truncate text-slate-800">{columnLabel(col)}</span>
        <span className="mt-0.5 block font-normal text-slate-600" data-testid="column-role">
          {columnRole(mapping, col.index)}
        </span>
      </>
    ),
    headerClassName: 'align-bottom whitespace-nowrap',
    className: 'font-mono text-xs break-all text-slate-700',
    cellClassName: () => columnUse(mapping, col.index) === 'skip' && 'text-slate-500',
    title: (row) => row[col.index],
    cell: (row) => row[col.index] || <span className="text-slate-500">—</span>,
  }));
  const rows = preview.rows;
  return (
    <DataTable
      rows={rows}
      columns={columns}
      rowKey={(row) => String(rows.indexOf(row))}
      caption="The first rows of the file, under what each column is imported as"
      testId="import-preview-table"
      density="compact"
      className="rounded-lg sm:ring-1 sm:ring-slate-200"
    />
  );
}

function ColumnChoice({
  column,
  mapping,
  problem,
  onChange,
  disabled,
}: {
  column: PreviewColumn;
  mapping: Mapping;
  problem: string | undefined;
  onChange: (mapping: Mapping) => void;
  disabled: boolean;
}) {
  const use = columnUse(mapping, column.index);
  const label = columnLabel(column);
  const samples = column.samples.filter(Boolean).slice(0, 3).join(', ');
  return (
    <li
      className="grid gap-3 py-3 sm:grid-cols-[minmax(0,1fr)_12rem_minmax(0,14rem)] sm:items-start"
      data-testid="import-column"
      data-index={column.index}
      data-use={use}
    >
      <div className="min-w-0 text-sm">
        <p className="font-medium break-words text-slate-900">{label}</p>
        <p className="truncate font-mono text-xs text-slate-500" title={samples}>
          {samples || 'Empty in the first rows'}
        </p>
      </div>
      <SelectField
        label="Import as"
        aria-label={`Import “${label}” as`}
        testId="import-column-use"
        value={use}
        disabled={disabled}
        onChange={(event) =>
          onChange(assignColumn(mapping, column.index, event.target.value as ColumnUse, column.name))
        }
      >
        <Options choices={COLUMN_USES} />
      </SelectField>
      {use === 'attribute' ? (
        <Field
          label={`Attribute name for “${label}”`}
          testId="import-attribute-key"
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          disabled={disabled}
          value={mapping.attributes[column.index] ?? ''}
          error={problem}
          onChange={(event) =>
            onChange({
              ...mapping,
              attributes: { ...mapping.attributes, [column.index]: event.target.value },
            })
          }
        />
      ) : null}
    </li>
  );
}

function Mapper({
  preview,
  mapping,
  problems,
  onChange,
  disabled,
}: {
  preview: ContactImportPreview;
  mapping: Mapping;
  problems: MappingProblems;
  onChange: (mapping: Mapping) => void;
  disabled: boolean;
}) {
  return (
    <fieldset className="space-y-2" aria-describedby="import-mapping-hint">
      <legend className="text-sm font-semibold text-slate-900">What each column is imported as</legend>
      <p id="import-mapping-hint" className="text-xs text-slate-500">
        One column holds the email addresses (required); one may hold names. Other columns you keep become
        attributes of the contact, under the name you give them.
      </p>
      {problems.email ? (
        <Alert tone="error" testId="import-email-required">
          {problems.email}
        </Alert>
      ) : null}
      {problems.general ? <Alert tone="error">{problems.general}</Alert> : null}
      <ul className="divide-y divide-slate-100">
        {preview.columns.map((column) => (
          <ColumnChoice
            key={column.index}
            column={column}
            mapping={mapping}
            problem={problems.attributes[column.index]}
            onChange={onChange}
            disabled={disabled}
          />
        ))}
      </ul>
    </fieldset>
  );
}

export function MappingCard({ wizard, fileSize }: { wizard: ImportWizard; fileSize: number }) {
  const { preview } = wizard;
  return (
    <Card
      id="import-columns"
      testId="import-columns-card"
      title="2. Columns"
      description="The first rows of the file, and what each column becomes."
    >
      {preview.isPending ? (
        <PreviewLoading testId="import-preview-loading" />
      ) : preview.isError ? (
        <Alert tone="error" title="This file cannot be read" testId="import-preview-error">
          {userMessage(preview.error)}
        </Alert>
      ) : preview.data ? (
        <div className="space-y-5" data-testid="import-preview">
          <p className="text-sm text-slate-600" data-testid="import-preview-format">
            {describeFormat(preview.data)} · {preview.data.sampleRows}{' '}
            {preview.data.sampleRows === 1 ? 'row' : 'rows'} in the first{' '}
            {formatFileSize(Math.min(fileSize, PREVIEW_BYTES))}
          </p>
          <Mapper
            preview={preview.data}
            mapping={wizard.mapping}
            problems={wizard.problems}
            onChange={wizard.setMapping}
            disabled={wizard.busy}
          />
          <RowsTable preview={preview.data} mapping={wizard.mapping} />
        </div>
      ) : null}
    </Card>
  );
}
