// A mailbox's status as a badge (connected / failing / disconnected) with its reason in the title,
// and the last connection test as a short line with a coloured mark.
import { Badge } from '../../components/badge.tsx';
import { CheckCircleIcon, XCircleIcon } from '../../components/icons.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { lastTestSummary, STATUS_STYLE, type StatusFields, statusReason } from './mailbox-model.ts';

export function MailboxStatusBadge({ mailbox, testId }: { mailbox: StatusFields; testId?: string }) {
  const style = STATUS_STYLE[mailbox.status];
  return (
    <Badge tone={style.tone} dot testId={testId} title={statusReason(mailbox) ?? undefined}>
      <span data-status={mailbox.status}>{style.label}</span>
    </Badge>
  );
}

export function LastTest({
  lastTest,
  now,
  testId,
}: {
  lastTest: StatusFields['lastTest'];
  now: number;
  testId?: string;
}) {
  const summary = lastTestSummary(lastTest, now);
  const Icon = summary.tone === 'ok' ? CheckCircleIcon : XCircleIcon;
  return (
    <span
      className="inline-flex items-center gap-1.5 whitespace-nowrap"
      data-testid={testId}
      data-result={summary.tone}
      title={lastTest ? formatDateTime(lastTest.at) : undefined}
    >
      {summary.tone === 'none' ? null : (
        <Icon
          aria-hidden="true"
          className={summary.tone === 'ok' ? 'size-4 text-emerald-600' : 'size-4 text-rose-600'}
        />
      )}
      <span className={summary.tone === 'none' ? 'text-slate-500' : undefined}>{summary.text}</span>
    </span>
  );
}
