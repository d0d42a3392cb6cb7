// One attempt of a delivery: the receiver's answer, how long it took, and the request headers sent
// (signature headers included: what the receiver had to verify).
import { Badge } from '../../components/badge.tsx';
import { formatDateTime } from '../../lib/time.ts';
import type { WebhookAttempt } from './use-webhooks.ts';
import { formatDuration, requestHeaderList, statusCodeText, statusCodeTone } from './webhooks-model.ts';

function RequestHeaders({ headers }: { headers: Record<string, string> | null }) {
  const list = requestHeaderList(headers);
  if (!list.length) return null;
  return (
    <details className="mt-2 text-xs" data-testid="attempt-headers">
      <summary className="cursor-pointer font-medium text-slate-700">Request headers ({list.length})</summary>
      <dl className="mt-1.5 space-y-1 rounded-md bg-slate-50 px-3 py-2 font-mono ring-1 ring-slate-200">
        {list.map(([name, value]) => (
          <div key={name} className="flex flex-wrap gap-x-2" data-testid="attempt-header" data-name={name}>
            <dt className="text-slate-500">{name}:</dt>
            <dd className="min-w-0 break-all text-slate-800">{value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function AttemptItem({ attempt }: { attempt: WebhookAttempt }) {
  return (
    <li
      className="rounded-lg border border-slate-200 p-3"
      data-testid="attempt"
      data-attempt={attempt.attempt}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
        <span className="text-sm font-medium text-slate-900">Attempt {attempt.attempt}</span>
        <Badge tone={statusCodeTone(attempt.statusCode)} testId="attempt-status-code">
          {statusCodeText(attempt.statusCode, attempt.error)}
        </Badge>
        <span className="text-xs text-slate-500 tabular-nums" data-testid="attempt-duration">
          {formatDuration(attempt.durationMs)}
        </span>
        <time className="ml-auto text-xs text-slate-500" dateTime={attempt.startedAt}>
          {formatDateTime(attempt.startedAt)}
        </time>
      </div>
      {attempt.error ? (
        <p className="mt-2 text-xs text-rose-700" data-testid="attempt-error">
          {attempt.error}
        </p>
      ) : null}
      {attempt.response ? (
        <pre
          className="mt-2 max-h-40 overflow-auto rounded-md bg-slate-50 px-3 py-2 font-mono text-xs break-all whitespace-pre-wrap text-slate-700 ring-1 ring-slate-200"
          data-testid="attempt-response"
        >
          {attempt.response}
        </pre>
      ) : attempt.statusCode !== null ? (
        <p className="mt-2 text-xs text-slate-500">Empty response body.</p>
      ) : null}
      <RequestHeaders headers={attempt.requestHeaders} />
    </li>
  );
}
