// How far an upload is: the bytes sent with a real progress bar, then the server reading the file.
// Shared by the bulk upload and the contact import wizard.
import { ProgressBar } from '../../components/progress-bar.tsx';
import { formatFileSize, formatPercent, percentOf } from './bulk-model.ts';

export type UploadPhase = { phase: 'sending'; loaded: number; total: number } | { phase: 'reading' };

/** Shown while an upload is busy (any other phase reads as done). */
export function UploadProgress({ upload }: { upload: UploadPhase | { phase: 'idle' | 'failed' } }) {
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
