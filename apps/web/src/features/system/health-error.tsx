import { UnreachablePanel } from '../../components/state-panel.tsx';
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
    <UnreachablePanel
      title="Cannot reach the Postern API"
      retry={{ retry: onRetry, retrying }}
      retryLabel="Retry now"
      aside={<span className="text-xs text-slate-500">Last attempt {lastAttempt}</span>}
      testId="health-error"
    >
      <p>
        The dashboard could not load the system health. Check that the API process is running; this page
        retries every {HEALTH_POLL_MS / 1000} seconds on its own.
      </p>
      <p className="mt-3 break-words rounded-md bg-slate-50 px-3 py-1.5 font-mono text-xs text-slate-500">
        {message}
      </p>
    </UnreachablePanel>
  );
}
