import { WifiOffIcon } from '../../components/icons.tsx';
import { HEALTH_POLL_MS } from './use-health.ts';

/** Shown when the API cannot be reached at all (no health data yet). Polling continues behind it. */
export function HealthError({
  message,
  lastAttempt,
  retrying,
  onRetry,
}: {
  message: string;
  lastAttempt: string;
  retrying: boolean;
  onRetry: () => void;
}) {
  return (
    <section
      role="alert"
      data-testid="health-error"
      className="flex flex-col items-center rounded-xl border border-rose-200 bg-white px-6 py-12 text-center shadow-sm"
    >
      <div className="flex size-14 items-center justify-center rounded-full bg-rose-50 text-rose-600">
        <WifiOffIcon className="size-7" />
      </div>
      <h2 className="mt-4 text-lg font-semibold text-slate-900">Cannot reach the Postern API</h2>
      <p className="mt-1 max-w-md text-sm text-slate-600">
        The dashboard could not load the system health. Check that the API process is running; this page
        retries every {HEALTH_POLL_MS / 1000} seconds on its own.
      </p>
      <p className="mt-3 max-w-md break-words rounded-md bg-slate-50 px-3 py-1.5 font-mono text-xs text-slate-500">
        {message}
      </p>
      <div className="mt-5 flex items-center gap-3">
        <button
          type="button"
          onClick={onRetry}
          disabled={retrying}
          className="rounded-lg bg-slate-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-slate-700 disabled:cursor-wait disabled:opacity-60"
        >
          {retrying ? 'Retrying…' : 'Retry now'}
        </button>
        <span className="text-xs text-slate-400">Last attempt {lastAttempt}</span>
      </div>
    </section>
  );
}
