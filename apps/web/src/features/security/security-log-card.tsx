// The account's security log (the `user:<id>` audit chain): sign-ins with device and location,
// failed attempts, two-factor and recovery codes, password changes and revoked sessions, newest first
// with "Load more", and the whole log as a CSV file.
import type { AuditEventType } from '@postern/contracts';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Badge, type BadgeTone } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { DownloadIcon } from '../../components/icons.tsx';
import { timeColumn, titleColumn } from '../../components/list-kit/columns.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { infinitePagination } from '../../components/list-kit/load-more-footer.tsx';
import { QueryState } from '../../components/list-kit/query-state.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { downloadBlob } from '../../lib/download.ts';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { EVENT_LABELS } from '../audit/audit-events.ts';
import { sessionTitle } from './sessions.ts';

type LogEntry = RouterOutputs['account']['securityLog']['entries'][number];

export const SECURITY_LOG_PAGE_SIZE = 25;

const WARNING_EVENTS = new Set([
  'auth.login_failed',
  'auth.refresh_token_reused',
  'auth.two_factor_disabled',
]);

function eventTone(type: string): BadgeTone {
  if (WARNING_EVENTS.has(type)) return 'rose';
  if (type === 'auth.login_succeeded') return 'emerald';
  return 'slate';
}

/** What happened, for people ("Sign-in failed: wrong password"). */
export function eventText(entry: Pick<LogEntry, 'eventType' | 'metadata'>): string {
  const label = EVENT_LABELS[entry.eventType as AuditEventType] ?? entry.eventType;
  const meta = entry.metadata ?? {};
  const reason = typeof meta.reason === 'string' ? meta.reason.replace(/_/g, ' ') : undefined;
  const method = typeof meta.method === 'string' ? meta.method.replace(/_/g, ' ') : undefined;
  if (reason) return `${label}: ${reason}`;
  return method ? `${label} with ${method}` : label;
}

function columns(now: number): Column<LogEntry>[] {
  return [
    titleColumn('Event', (entry) => (
      <Badge tone={eventTone(entry.eventType)} testId="log-event">
        {eventText(entry)}
      </Badge>
    )),
    timeColumn('When', (entry) => entry.occurredAt, now),
    {
      id: 'device',
      header: 'Device',
      className: 'text-slate-600',
      testId: 'log-device',
      cell: (entry) => (entry.device ? sessionTitle(entry.device) : 'Unknown device'),
    },
    {
      id: 'where',
      header: 'Location and IP',
      className: 'text-slate-600',
      cell: (entry) => (
        <span>
          {entry.location ?? 'Unknown location'}
          {entry.ip ? <span className="block font-mono text-xs text-slate-600">{entry.ip}</span> : null}
        </span>
      ),
    },
  ];
}

export function SecurityLogCard() {
  const trpc = useTRPC();
  const now = useNow(60_000);
  const [exported, setExported] = useState<string>();
  const log = useInfiniteQuery(
    trpc.account.securityLog.infiniteQueryOptions(
      { limit: SECURITY_LOG_PAGE_SIZE },
      { staleTime: 0, getNextPageParam: (last) => last.nextCursor },
    ),
  );
  const download = useMutation(
    trpc.account.exportSecurityLog.mutationOptions({
      onSuccess: (file) => {
        downloadBlob(file.filename, file.contentType, file.body);
        setExported(`Exported ${file.rows} ${file.rows === 1 ? 'entry' : 'entries'} (${file.filename}).`);
      },
    }),
  );
  const rows = log.data?.pages.flatMap((page) => page.entries) ?? [];

  return (
    <Card
      id="security-log"
      testId="security-log-card"
      title="Security log"
      description="Sign-ins, failed attempts and changes to how you sign in, newest first."
      bodyClassName="p-0"
      actions={
        <Button
          variant="secondary"
          loading={download.isPending}
          data-testid="security-log-export"
          onClick={() => {
            setExported(undefined);
            download.mutate();
          }}
        >
          <DownloadIcon className="size-4" aria-hidden="true" />
          Export CSV
        </Button>
      }
    >
      {exported ? (
        <Alert tone="success" className="m-5 sm:m-6" testId="security-log-exported">
          {exported}
        </Alert>
      ) : null}
      {download.isError ? (
        <Alert tone="error" className="m-5 sm:m-6" testId="security-log-export-error">
          {userMessage(download.error)}
        </Alert>
      ) : null}
      <QueryState query={log} what="your security log" testId="security-log" isEmpty={rows.length === 0}>
        <DataTable
          rows={rows}
          columns={columns(now)}
          caption="Security events of your account"
          testId="security-log-table"
          rowData={(entry) => ({ 'data-event': entry.eventType })}
          pagination={infinitePagination(log, rows.length, {
            noun: ['event', 'events'],
            endText: 'the whole log',
            testId: 'security-log',
          })}
        />
      </QueryState>
    </Card>
  );
}
