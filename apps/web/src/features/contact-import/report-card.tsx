// The report of an import: the rows that were not subscribed (file row, address as uploaded, why),
// filtered by reason and paged with the kit's table; the whole report as CSV from the server.
import {
  CONTACT_IMPORT_REPORT_REASONS,
  type ContactImportReportReason,
  type ContactImportReportRow,
} from '@postern/contracts';
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { CheckCircleIcon, DownloadIcon } from '../../components/icons.tsx';
import { column, titleColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { KeysetTable } from '../../components/list-kit/keyset-table.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { startDownload } from '../../lib/download.ts';
import { useTRPCClient } from '../../lib/trpc.ts';
import { isFinished, REASON_LABELS, reportCsvUrl } from './import-model.ts';
import { type ContactImport, useReportLog } from './use-imports.ts';

const columns: Column<ContactImportReportRow>[] = [
  column('Row', (row) => row.row, { className: 'tabular-nums text-slate-600', testId: 'report-row-number' }),
  titleColumn('Address', (row) => row.email || <span className="text-slate-500">(empty)</span>, {
    id: 'email',
    testId: 'report-email',
    className: 'font-medium break-all text-slate-900',
  }),
  column(
    'Why',
    (row) => (
      <span data-reason={row.reason}>
        <Badge tone={row.reason === 'rejected_by_verification' ? 'rose' : 'slate'}>
          {REASON_LABELS[row.reason]}
        </Badge>
      </span>
    ),
    { id: 'reason', testId: 'report-reason' },
  ),
  column('Detail', (row) => row.detail ?? <span className="text-slate-500">—</span>, {
    from: 'md',
    className: 'text-slate-600 [overflow-wrap:anywhere]',
  }),
];

const REASON_CHOICES = [
  { value: '', label: 'Every reason' },
  ...CONTACT_IMPORT_REPORT_REASONS.map((reason) => ({ value: reason, label: REASON_LABELS[reason] })),
];

function DownloadReport({ workspaceId, item }: { workspaceId: string; item: ContactImport }) {
  const client = useTRPCClient();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  async function download() {
    setProblem(undefined);
    setBusy(true);
    try {
      // A tRPC call first: it renews the session if the access token expired (the download is a
      // plain GET the browser makes itself, which cannot).
      await client.contactImports.get.query({ workspaceId, importId: item.id });
      startDownload(reportCsvUrl(workspaceId, item.id));
    } catch (error) {
      setProblem(userMessage(error, 'The download could not start. Please try again.'));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="flex flex-col items-end gap-2">
      <Button
        variant="secondary"
        loading={busy}
        disabled={item.counts.skipped === 0}
        onClick={() => void download()}
        data-testid="report-download"
      >
        <DownloadIcon className="size-4 text-slate-500" />
        Download CSV
      </Button>
      {problem ? (
        <Alert tone="error" testId="report-download-error">
          {problem}
        </Alert>
      ) : null}
    </div>
  );
}

export function ReportCard({ workspaceId, item }: { workspaceId: string; item: ContactImport }) {
  const [reason, setReason] = useState<ContactImportReportReason | ''>('');
  const log = useReportLog(workspaceId, item.id, reason || undefined, item.status);
  return (
    <Card
      id="import-report"
      testId="import-report-card"
      title="Rows not subscribed"
      description="Invalid, repeated, suppressed or already subscribed addresses, and those verification rejected."
      actions={<DownloadReport workspaceId={workspaceId} item={item} />}
      bodyClassName="p-0"
    >
      <div className="border-b border-slate-100 px-5 py-3 sm:px-6">
        <SelectField
          label="Reason"
          testId="report-reason-filter"
          className="max-w-xs"
          value={reason}
          onChange={(event) => setReason(event.target.value as ContactImportReportReason | '')}
        >
          <Options choices={REASON_CHOICES} />
        </SelectField>
      </div>
      <KeysetTable
        log={log}
        rows={log.data?.pages.flatMap((page) => page.items) ?? []}
        columns={columns}
        rowKey={(row) => String(row.row)}
        caption="Rows of the file that were not subscribed"
        rowData={(row) => ({ 'data-row': row.row, 'data-reason': row.reason })}
        state={{
          name: 'report',
          what: 'the report',
          skeleton: { cells: ['h-4 w-10', 'h-4 w-56', 'h-5 w-28 rounded-full', 'h-4 w-40'] },
          empty: {
            icon: CheckCircleIcon,
            title: reason
              ? 'No row for this reason'
              : isFinished(item.status)
                ? 'Every row was subscribed'
                : 'Nothing left out so far',
            children: reason
              ? 'Choose another reason.'
              : 'Rows that are not subscribed are listed here with the reason.',
          },
        }}
        words={{ noun: ['row', 'rows'], endText: 'all of them', buttonLabel: 'Load more rows' }}
      />
    </Card>
  );
}
