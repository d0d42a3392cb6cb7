// The parts of the upload page a person fills in: the file (picked or dropped), and the options.
import { type DragEvent, type ReactNode, useId, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { Field } from '../../components/field.tsx';
import { HiddenFileInput } from '../../components/file-input.tsx';
import { FileIcon, UploadIcon } from '../../components/icons.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { cn } from '../../lib/cn.ts';
import { DepthToggle } from '../check/depth-toggle.tsx';
import { formatFileSize } from './bulk-model.ts';
import type { UploadOptions } from './upload.ts';
import type { FileChoiceState } from './use-file-choice.ts';

export type Depth = UploadOptions['depth'];
export type Format = UploadOptions['format'];
export type Encoding = UploadOptions['encoding'];

export const FORMATS: Array<{ value: Format; label: string }> = [
  { value: 'auto', label: 'Detect' },
  { value: 'csv', label: 'CSV' },
  { value: 'tsv', label: 'TSV (tab-separated)' },
  { value: 'list', label: 'Plain list (one per line)' },
];
const ENCODINGS: Array<{ value: Encoding; label: string }> = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'latin1', label: 'Latin-1 (ISO-8859-1)' },
];

/** What is chosen besides the file and its column. */
export interface UploadChoices {
  name: string;
  depth: Depth;
  dedupe: boolean;
  format: Format;
  encoding: Encoding;
}

export const DEFAULT_CHOICES: UploadChoices = {
  name: '',
  depth: 'standard',
  dedupe: true,
  format: 'auto',
  encoding: 'utf-8',
};

export function DropZone({
  onFile,
  disabled,
  maxBytes,
}: {
  onFile: (file: File) => void;
  disabled: boolean;
  maxBytes: number;
}) {
  const [dragging, setDragging] = useState(false);
  const inputId = useId();
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file && !disabled) onFile(file);
  };
  return (
    <label
      htmlFor={inputId}
      data-testid="drop-zone"
      data-dragging={dragging}
      onDragOver={(event) => {
        event.preventDefault();
        if (!disabled) setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      className={cn(
        'flex cursor-pointer flex-col items-center rounded-xl border-2 border-dashed px-6 py-10 text-center transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600',
        dragging ? 'border-indigo-400 bg-indigo-50/60' : 'border-slate-300 bg-white hover:bg-slate-50',
      )}
    >
      <div className="flex size-11 items-center justify-center rounded-full bg-indigo-50 text-indigo-600">
        <UploadIcon className="size-5" />
      </div>
      <p className="mt-3 text-sm font-semibold text-slate-900">
        {dragging ? 'Drop the file to preview it' : 'Choose a file or drag it here'}
      </p>
      <p className="mt-1 text-xs text-slate-500">
        CSV, TSV or a plain list of addresses, up to {formatFileSize(maxBytes)}.
      </p>
      <HiddenFileInput
        id={inputId}
        testId="file-input"
        accept=".csv,.tsv,.txt,.tab,.list,text/csv,text/plain,text/tab-separated-values"
        disabled={disabled}
        onFile={onFile}
      />
    </label>
  );
}

/**
 * How the file is read: its format (among `formats`) and text encoding; a change re-reads the preview.
 * Shared with the contact import wizard.
 */
export function ReadingFields<F extends string>({
  format,
  encoding,
  formats,
  busy,
  onChange,
  testIds,
}: {
  format: F;
  encoding: Encoding;
  formats: ReadonlyArray<{ value: F; label: string }>;
  busy: boolean;
  onChange: (next: { format?: F; encoding?: Encoding }) => void;
  testIds: { format: string; encoding: string };
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <SelectField
        label="Format"
        testId={testIds.format}
        value={format}
        disabled={busy}
        onChange={(event) => onChange({ format: event.target.value as F })}
      >
        <Options choices={formats} />
      </SelectField>
      <SelectField
        label="Text encoding"
        testId={testIds.encoding}
        value={encoding}
        disabled={busy}
        onChange={(event) => onChange({ encoding: event.target.value as Encoding })}
      >
        <Options choices={ENCODINGS} />
      </SelectField>
    </div>
  );
}

/** Name, depth, de-duplication, and how the file is read (a change re-reads the preview). */
export function OptionsCard({
  options,
  onChange,
  fileName,
  busy,
}: {
  options: UploadChoices;
  onChange: (next: Partial<UploadChoices>) => void;
  fileName: string;
  busy: boolean;
}) {
  return (
    <Card id="upload-options" testId="options-card" title="Options">
      <div className="space-y-5">
        <Field
          label="Name"
          testId="job-name"
          placeholder={fileName}
          maxLength={200}
          value={options.name}
          onChange={(event) => onChange({ name: event.target.value })}
          hint="Shown in the list of jobs and in notifications. The file's name by default."
        />
        <DepthToggle
          name="bulk-depth"
          testIdPrefix="bulk-depth"
          value={options.depth}
          onChange={(depth) => onChange({ depth })}
        />
        <label className="flex items-start gap-2.5 text-sm text-slate-700">
          <input
            type="checkbox"
            data-testid="dedupe"
            checked={options.dedupe}
            onChange={(event) => onChange({ dedupe: event.target.checked })}
            className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
          />
          <span>
            <span className="font-medium text-slate-900">Remove duplicates</span>
            <span className="block text-xs text-slate-500">
              Each address is checked once; repeats are counted as duplicates.
            </span>
          </span>
        </label>
        <ReadingFields
          format={options.format}
          encoding={options.encoding}
          formats={FORMATS}
          busy={busy}
          onChange={onChange}
          testIds={{ format: 'format-select', encoding: 'encoding-select' }}
        />
      </div>
    </Card>
  );
}

/** The chosen file, with the way to choose another. */
export function ChosenFile({ file, busy, onClear }: { file: File; busy: boolean; onClear: () => void }) {
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="chosen-file">
      <div className="flex size-10 items-center justify-center rounded-lg bg-slate-100 text-slate-500">
        <FileIcon className="size-5" />
      </div>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-slate-900" data-testid="file-name">
          {file.name}
        </p>
        <p className="text-xs text-slate-500">{formatFileSize(file.size)}</p>
      </div>
      <Button variant="secondary" disabled={busy} onClick={onClear} data-testid="change-file">
        Choose another file
      </Button>
    </div>
  );
}

/**
 * The file step of an upload or an import: the drop zone until a file is chosen, then the file (with
 * `settings` about reading it, if any) and the way to change it; below, why a file was refused.
 */
export function FileChoice({
  picked: { file, maxBytes, error },
  busy,
  onFile,
  refusal,
  settings,
}: {
  picked: FileChoiceState;
  busy: boolean;
  onFile: (file: File | undefined) => void;
  /** The title and test id of the alert saying why the file was refused. */
  refusal: { title: string; testId: string };
  settings?: ReactNode;
}) {
  const choice = file ? (
    <div className={settings ? 'space-y-4' : undefined}>
      <ChosenFile file={file} busy={busy} onClear={() => onFile(undefined)} />
      {settings}
    </div>
  ) : (
    <DropZone onFile={onFile} disabled={busy} maxBytes={maxBytes} />
  );
  return (
    <>
      {choice}
      {error ? (
        <Alert tone="error" title={refusal.title} className="mt-4" testId={refusal.testId}>
          {error}
        </Alert>
      ) : null}
    </>
  );
}
