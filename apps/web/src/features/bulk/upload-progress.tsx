// How far an upload is: the bytes sent with a real progress bar, then the server reading the file; and
// the foot of an upload page around it (what is about to happen, Cancel upload, Start). Shared by the
// bulk upload and the contact import wizard.
import { Button } from '../../components/button.tsx';
import { UploadIcon } from '../../components/icons.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { formatFileSize, formatPercent, percentOf } from './bulk-model.ts';

export type UploadPhase =
  | { phase: 'sending'; loaded: number; total: number }
  | { phase: 'reading' }
  | { phase: 'idle' | 'failed' };

/** Shown while an upload is busy (any other phase reads as done). */
export function UploadProgress({ upload }: { upload: UploadPhase }) {
  const percent = upload.phase === 'sending' ? percentOf(upload.loaded, upload.total) : 100;
  return (
    <div className="space-y-2" data-testid="upload-progress">
      <div className="flex items-center justify-between text-sm">
        <span className="font-medium text-slate-900">
          {upload.phase === 'reading' ? 'Reading the file on the server…' : 'Uploading…'}
        </span>
        <span className="text-slate-600 tabular-nums" data-testid="upload-percent">
          {formatPercent(percent)}
        </span>
      </div>
      <ProgressBar
        value={percent}
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
  );
}

/** The foot of an upload page: `idleText` (or the progress, announced politely), Cancel upload, Start. */
export function UploadBar({
  run: { upload, start, abort },
  idleText,
  canStart,
  startLabel,
  testIds,
}: {
  /** The page's upload: where it is, how it starts, how it is cancelled. */
  run: { upload: UploadPhase; start: () => Promise<unknown>; abort: () => void };
  idleText: string;
  canStart: boolean;
  startLabel: string;
  testIds: { start: string; abort: string; status?: string };
}) {
  const busy = upload.phase === 'sending' || upload.phase === 'reading';
  return (
    <div className="flex flex-col gap-4 rounded-xl border border-slate-200 bg-white px-5 py-4 shadow-sm sm:flex-row sm:items-center sm:px-6">
      <div className="min-w-0 flex-1" aria-live="polite" data-testid={testIds.status}>
        {busy ? <UploadProgress upload={upload} /> : <p className="text-sm text-slate-500">{idleText}</p>}
      </div>
      <div className="flex shrink-0 gap-2">
        {upload.phase === 'sending' ? (
          <Button variant="secondary" onClick={abort} data-testid={testIds.abort}>
            Cancel upload
          </Button>
        ) : null}
        <Button
          onClick={() => void start()}
          disabled={!canStart || busy}
          loading={busy}
          data-testid={testIds.start}
        >
          {busy ? null : <UploadIcon className="size-4" />}
          {startLabel}
        </Button>
      </div>
    </div>
  );
}
