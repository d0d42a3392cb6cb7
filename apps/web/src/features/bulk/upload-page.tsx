// Upload a list: pick or drop a file; its first 64 KiB are previewed (how it is read, which column
// holds the addresses, the share of addresses per column) so the column can be changed; options
// (name, depth, de-duplication, format, encoding); then the upload itself with a real progress bar,
// and on to the new job's page.
import type { BulkJobDto } from '@postern/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type DragEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { Field } from '../../components/field.tsx';
import { ArrowLeftIcon, FileIcon, LockIcon, UploadIcon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { SelectField } from '../../components/select.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { cn } from '../../lib/cn.ts';
import { useTRPC, useTRPCClient } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { DEPTH_INFO } from '../check/explain.ts';
import { workspacePath } from '../workspaces/paths.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import {
  columnLabel,
  fileProblem,
  formatFileSize,
  formatPercent,
  formatShare,
  jobPath,
  MAX_UPLOAD_BYTES,
  PREVIEW_BYTES,
  percentOf,
  type UploadProblem,
  uploadProblem,
} from './bulk-model.ts';
import {
  type BulkPreview,
  columnOption,
  columnToSend,
  describeFormat,
  previewRows,
} from './preview-model.ts';
import { isUploadFailure, sampleBase64, type UploadOptions, uploadJob } from './upload.ts';
import { useBulkLimits, useInvalidateBulk } from './use-bulk.ts';

type Depth = UploadOptions['depth'];
type Format = UploadOptions['format'];
type Encoding = UploadOptions['encoding'];

const FORMATS: Array<{ value: Format; label: string }> = [
  { value: 'auto', label: 'Detect' },
  { value: 'csv', label: 'CSV' },
  { value: 'tsv', label: 'TSV (tab-separated)' },
  { value: 'list', label: 'Plain list (one per line)' },
];
const ENCODINGS: Array<{ value: Encoding; label: string }> = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'latin1', label: 'Latin-1 (ISO-8859-1)' },
];

type UploadState =
  | { phase: 'idle' }
  | { phase: 'sending'; loaded: number; total: number }
  | { phase: 'reading' }
  | { phase: 'failed'; problem: UploadProblem };

function DropZone({
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
      <input
        id={inputId}
        type="file"
        accept=".csv,.tsv,.txt,.tab,.list,text/csv,text/plain,text/tab-separated-values"
        className="sr-only"
        data-testid="file-input"
        disabled={disabled}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) onFile(file);
        }}
      />
    </label>
  );
}

function PreviewTable({ preview, column }: { preview: BulkPreview; column: number | null }) {
  const rows = previewRows(preview);
  return (
    <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200">
      <table data-testid="preview-table" className="w-full text-left text-sm">
        <caption className="sr-only">The first rows of the file; the column to check is highlighted</caption>
        <thead className="bg-slate-50 text-xs text-slate-500">
          <tr>
            {preview.columns.map((col) => {
              const chosen = col.index === column;
              return (
                <th
                  key={col.index}
                  scope="col"
                  data-testid="preview-column"
                  data-index={col.index}
                  data-chosen={chosen}
                  aria-current={chosen ? 'true' : undefined}
                  className={cn(
                    'px-3 py-2 align-bottom font-medium whitespace-nowrap',
                    chosen && 'bg-indigo-100/80 text-indigo-900',
                  )}
                >
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
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {row.map((value, index) => (
                <td
                  key={index}
                  className={cn(
                    'max-w-56 truncate px-3 py-2 font-mono text-xs text-slate-700',
                    index === column && 'bg-indigo-50 font-medium text-indigo-900',
                  )}
                  title={value}
                >
                  {value || <span className="text-slate-300">—</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DepthChoice({ value, onChange }: { value: Depth; onChange: (depth: Depth) => void }) {
  return (
    <fieldset>
      <legend className="block text-sm font-medium text-slate-800">Depth</legend>
      <div className="mt-1.5 grid gap-2 sm:grid-cols-2">
        {(['standard', 'enhanced'] as const).map((depth) => (
          <label
            key={depth}
            className={cn(
              'flex cursor-pointer items-start gap-3 rounded-lg px-3.5 py-3 ring-1 ring-inset transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600',
              value === depth
                ? 'bg-indigo-50/70 ring-indigo-300'
                : 'bg-white ring-slate-200 hover:bg-slate-50',
            )}
          >
            <input
              type="radio"
              name="bulk-depth"
              value={depth}
              checked={value === depth}
              onChange={() => onChange(depth)}
              data-testid={`bulk-depth-${depth}`}
              className="mt-0.5 size-4 accent-indigo-600"
            />
            <span>
              <span className="block text-sm font-semibold text-slate-900">{DEPTH_INFO[depth].label}</span>
              <span className="block text-xs text-slate-500">{DEPTH_INFO[depth].text}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function UploadPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Upload a list · ${workspace.name}`);
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();
  const invalidateBulk = useInvalidateBulk();
  const navigate = useNavigate();

  const [file, setFile] = useState<File>();
  const [fileError, setFileError] = useState<string>();
  const maxUploadBytes = useBulkLimits().data?.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const [column, setColumn] = useState<number | null>(null);
  const [format, setFormat] = useState<Format>('auto');
  const [encoding, setEncoding] = useState<Encoding>('utf-8');
  const [name, setName] = useState('');
  const [depth, setDepth] = useState<Depth>('standard');
  const [dedupe, setDedupe] = useState(true);
  const [upload, setUpload] = useState<UploadState>({ phase: 'idle' });
  const abortRef = useRef<() => void>(undefined);
  useEffect(() => () => abortRef.current?.(), []);

  const preview = useMutation(trpc.bulk.preview.mutationOptions());

  async function runPreview(chosen: File, nextFormat: Format, nextEncoding: Encoding) {
    setColumn(null);
    preview.reset();
    try {
      const sample = await sampleBase64(chosen, PREVIEW_BYTES);
      // Callbacks given to `mutate` run for the latest call only: a slower earlier preview is ignored.
      preview.mutate(
        { workspaceId: workspace.id, sampleBase64: sample, encoding: nextEncoding, format: nextFormat },
        { onSuccess: (result) => setColumn(result.detectedColumn) },
      );
    } catch {
      setFileError('The file could not be read by the browser. Choose it again.');
    }
  }

  function chooseFile(chosen: File) {
    setUpload({ phase: 'idle' });
    const problem = fileProblem(chosen, maxUploadBytes);
    setFileError(problem);
    setFile(problem ? undefined : chosen);
    preview.reset();
    setColumn(null);
    if (!problem) void runPreview(chosen, format, encoding);
  }

  async function start() {
    if (!file || !preview.data || column === null) return;
    const options: UploadOptions = {
      ...(name.trim() ? { name: name.trim() } : {}),
      depth,
      format,
      encoding,
      dedupe,
    };
    const chosenColumn = columnToSend(column, preview.data.detectedColumn);
    if (chosenColumn !== undefined) options.column = chosenColumn;

    const send = () => {
      setUpload({ phase: 'sending', loaded: 0, total: file.size });
      const handle = uploadJob(workspace.id, file, options, (loaded, total) =>
        setUpload(loaded >= total ? { phase: 'reading' } : { phase: 'sending', loaded, total }),
      );
      abortRef.current = handle.abort;
      return handle.promise;
    };

    let job: BulkJobDto;
    try {
      try {
        job = await send();
      } catch (error) {
        // The access token may have expired since the page opened: any tRPC call renews the
        // session (see lib/auth-link.ts); then send once more.
        if (!isUploadFailure(error) || error.status !== 401) throw error;
        await trpcClient.bulk.list.query({ workspaceId: workspace.id, limit: 1 });
        job = await send();
      }
    } catch (error) {
      abortRef.current = undefined;
      if (isUploadFailure(error) && error.aborted) {
        setUpload({ phase: 'idle' });
        return;
      }
      setUpload({
        phase: 'failed',
        problem: isUploadFailure(error)
          ? uploadProblem(error.status, error.body, maxUploadBytes)
          : { title: 'You are signed out', message: userMessage(error) },
      });
      return;
    }
    abortRef.current = undefined;
    queryClient.setQueryData(trpc.bulk.get.queryKey({ workspaceId: workspace.id, jobId: job.id }), job);
    void invalidateBulk();
    navigate(jobPath(workspace.id, job.id));
  }

  const busy = upload.phase === 'sending' || upload.phase === 'reading';
  const backLink = (
    <Link
      to={workspacePath(workspace.id, 'jobs')}
      className="inline-flex items-center gap-1.5 text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeftIcon className="size-4" />
      Bulk jobs
    </Link>
  );

  if (!can('bulk.manage'))
    return (
      <div className="space-y-6" data-testid="upload-page">
        <PageHeader title="Upload a list" actions={backLink} />
        <Alert tone="info" title="Viewers cannot start bulk jobs" testId="upload-forbidden">
          Owners, admins and members of {workspace.name} can upload lists. You can see the jobs and their
          results.
        </Alert>
      </div>
    );

  let columnBody: ReactNode = null;
  if (preview.isPending)
    columnBody = (
      <div data-testid="preview-loading" aria-busy="true" className="space-y-3">
        <p className="flex items-center gap-2 text-sm text-slate-600" role="status">
          <Spinner className="size-4 text-indigo-600" /> Reading the start of the file…
        </p>
        <Skeleton className="h-8 w-full" />
        <Skeleton className="h-24 w-full" />
      </div>
    );
  else if (preview.isError)
    columnBody = (
      <Alert tone="error" title="This file cannot be read" testId="preview-error">
        {userMessage(preview.error)}
      </Alert>
    );
  else if (preview.data) {
    const data = preview.data;
    columnBody = (
      <div className="space-y-4" data-testid="preview">
        <p className="text-sm text-slate-600" data-testid="preview-format">
          {describeFormat(data)} · {data.sampleRows} {data.sampleRows === 1 ? 'row' : 'rows'} in the first{' '}
          {formatFileSize(Math.min(file?.size ?? PREVIEW_BYTES, PREVIEW_BYTES))}
        </p>
        {data.detectedColumn === null ? (
          <Alert tone="warning" title="No column holds email addresses" testId="no-email-column">
            None of the first rows look like addresses. Choose the column that holds them, or check that this
            is the right file.
          </Alert>
        ) : null}
        <div className="grid gap-4 sm:grid-cols-[minmax(0,20rem)_1fr] sm:items-end">
          <SelectField
            label="Column to check"
            testId="column-select"
            value={column === null ? '' : String(column)}
            onChange={(event) => setColumn(event.target.value === '' ? null : Number(event.target.value))}
          >
            {column === null ? <option value="">Choose a column…</option> : null}
            {data.columns.map((col) => (
              <option key={col.index} value={col.index}>
                {columnOption(col, data.detectedColumn)}
              </option>
            ))}
          </SelectField>
          <p className="text-xs text-slate-500 sm:pb-2.5" data-testid="column-note">
            {column !== null && column === data.detectedColumn
              ? 'Detected from the header and content.'
              : column !== null
                ? 'Chosen by you: rows without an address in it are counted as rejected.'
                : null}
          </p>
        </div>
        <PreviewTable preview={data} column={column} />
      </div>
    );
  }

  const sendingPercent =
    upload.phase === 'sending'
      ? percentOf(upload.loaded, upload.total)
      : upload.phase === 'reading'
        ? 100
        : 0;
  const canStart = Boolean(file && preview.data && column !== null) && !busy;

  return (
    <div className="space-y-6" data-testid="upload-page">
      <PageHeader
        title="Upload a list"
        description="Every address in the file is checked in the background; you can leave the page once the upload is done."
        actions={backLink}
      />

      <Card id="upload-file" testId="file-card" title="File">
        {file ? (
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
            <Button
              variant="secondary"
              disabled={busy}
              onClick={() => {
                setFile(undefined);
                preview.reset();
                setColumn(null);
                setUpload({ phase: 'idle' });
              }}
              data-testid="change-file"
            >
              Choose another file
            </Button>
          </div>
        ) : (
          <DropZone onFile={chooseFile} disabled={busy} maxBytes={maxUploadBytes} />
        )}
        {fileError ? (
          <Alert tone="error" title="This file cannot be uploaded" className="mt-4" testId="file-error">
            {fileError}
          </Alert>
        ) : null}
      </Card>

      {file ? (
        <Card
          id="upload-column"
          testId="column-card"
          title="Email column"
          description="The first rows of the file. The highlighted column is the one that will be checked."
        >
          {columnBody}
        </Card>
      ) : null}

      {file ? (
        <Card id="upload-options" testId="options-card" title="Options">
          <div className="space-y-5">
            <Field
              label="Name"
              testId="job-name"
              placeholder={file.name}
              maxLength={200}
              value={name}
              onChange={(event) => setName(event.target.value)}
              hint="Shown in the list of jobs and in notifications. The file's name by default."
            />
            <DepthChoice value={depth} onChange={setDepth} />
            <label className="flex items-start gap-2.5 text-sm text-slate-700">
              <input
                type="checkbox"
                data-testid="dedupe"
                checked={dedupe}
                onChange={(event) => setDedupe(event.target.checked)}
                className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
              />
              <span>
                <span className="font-medium text-slate-900">Remove duplicates</span>
                <span className="block text-xs text-slate-500">
                  Each address is checked once; repeats are counted as duplicates.
                </span>
              </span>
            </label>
            <div className="grid gap-4 sm:grid-cols-2">
              <SelectField
                label="Format"
                testId="format-select"
                value={format}
                disabled={busy}
                onChange={(event) => {
                  const next = event.target.value as Format;
                  setFormat(next);
                  void runPreview(file, next, encoding);
                }}
              >
                {FORMATS.map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label="Text encoding"
                testId="encoding-select"
                value={encoding}
                disabled={busy}
                onChange={(event) => {
                  const next = event.target.value as Encoding;
                  setEncoding(next);
                  void runPreview(file, format, next);
                }}
              >
                {ENCODINGS.map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </SelectField>
            </div>
          </div>
        </Card>
      ) : null}

      {upload.phase === 'failed' ? (
        <Alert tone="error" title={upload.problem.title} testId="upload-error">
          {upload.problem.message}
          {upload.problem.requestId ? (
            <span className="mt-1 block text-xs text-rose-700/80">Request {upload.problem.requestId}</span>
          ) : null}
        </Alert>
      ) : null}

      {file ? (
        <div className="flex flex-col gap-4 rounded-xl border border-slate-200 bg-white px-5 py-4 shadow-sm sm:flex-row sm:items-center sm:px-6">
          <div className="min-w-0 flex-1" aria-live="polite">
            {busy ? (
              <div className="space-y-2" data-testid="upload-progress">
                <div className="flex items-center justify-between text-sm">
                  <span className="font-medium text-slate-900">
                    {upload.phase === 'reading' ? 'Reading the file on the server…' : 'Uploading…'}
                  </span>
                  <span className="text-slate-600 tabular-nums" data-testid="upload-percent">
                    {formatPercent(sendingPercent)}
                  </span>
                </div>
                <ProgressBar
                  value={sendingPercent}
                  label="Upload progress"
                  testId="upload-bar"
                  valueText={
                    upload.phase === 'sending'
                      ? `${formatFileSize(upload.loaded)} of ${formatFileSize(upload.total)}`
                      : 'Sent; the server is reading the file'
                  }
                />
                {upload.phase === 'sending' ? (
                  <p className="text-xs text-slate-500 tabular-nums">
                    {formatFileSize(upload.loaded)} of {formatFileSize(upload.total)}
                  </p>
                ) : null}
              </div>
            ) : (
              <p className="text-sm text-slate-500">
                {column === null && preview.data
                  ? 'Choose the column that holds the addresses to start.'
                  : preview.data
                    ? `Ready: the ${columnLabel(preview.data.columns.find((col) => col.index === column) ?? { index: column ?? 0, name: null })} column will be checked.`
                    : 'The preview must load before the upload can start.'}
              </p>
            )}
          </div>
          <div className="flex shrink-0 gap-2">
            {busy && upload.phase === 'sending' ? (
              <Button variant="secondary" onClick={() => abortRef.current?.()} data-testid="abort-upload">
                Cancel upload
              </Button>
            ) : null}
            <Button onClick={() => void start()} disabled={!canStart} loading={busy} data-testid="start-job">
              {busy ? null : <UploadIcon className="size-4" />}
              Start verification
            </Button>
          </div>
        </div>
      ) : null}

      {!file ? (
        <div className="flex items-start gap-3 text-sm text-slate-500">
          <LockIcon className="mt-0.5 size-4 shrink-0 text-slate-400" />
          <p>
            Addresses are stored encrypted while the job runs. Results are deleted 7 days after the job
            finishes.
          </p>
        </div>
      ) : null}
    </div>
  );
}
