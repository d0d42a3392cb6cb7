// The dry run: what the draft would do, against the saved policy, to this workspace's bulk results
// still kept, or to a sample file checked now (up to 200 addresses, metered like single checks;
// nothing is stored). Counts per action before and after, then the changed rows a page at a time.
import type { Policy } from '@postern/contracts';
import {
  BULK_RESULT_RETENTION_DAYS,
  POLICY_DRY_RUN_PAGE,
  POLICY_SAMPLE_MAX_BYTES,
  POLICY_SAMPLE_MAX_ROWS,
} from '@postern/contracts/constants';
import { useState } from 'react';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { PageSteps } from '../../components/list-kit/page-steps.tsx';
import { SelectField } from '../../components/select.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { sampleBase64 } from '../bulk/upload.ts';
import { actionLabel, type CountRow, countRows, reasonLabel, statusLabel } from './policy-model.ts';
import { type DryRunResult, type DryRunRow, useDryRun } from './use-policy.ts';

type SourceKind = 'results' | 'sample';
type Source = { kind: 'results' } | { kind: 'sample'; fileBase64: string; filename: string };

const COUNT_COLUMNS: Column<CountRow>[] = [
  { id: 'action', header: 'Policy action', primary: true, cell: (row) => row.label },
  { id: 'before', header: 'Saved policy', align: 'right', cell: (row) => row.before.toLocaleString('en') },
  { id: 'after', header: 'This draft', align: 'right', cell: (row) => row.after.toLocaleString('en') },
  {
    id: 'delta',
    header: 'Change',
    align: 'right',
    testId: 'dry-run-delta',
    cell: (row) => (row.delta > 0 ? `+${row.delta}` : String(row.delta)),
  },
];

const ROW_COLUMNS: Column<DryRunRow>[] = [
  {
    id: 'email',
    header: 'Address',
    primary: true,
    className: 'font-mono text-xs break-all',
    cell: (row) => row.email,
  },
  { id: 'status', header: 'Status', from: 'md', cell: (row) => statusLabel(row.status) },
  { id: 'reason', header: 'Reason', from: 'lg', cell: (row) => reasonLabel(row.reason) },
  { id: 'before', header: 'Now', cell: (row) => actionLabel(row.before) },
  { id: 'after', header: 'With the draft', testId: 'dry-run-after', cell: (row) => actionLabel(row.after) },
];

function Outcome({
  result,
  page,
  onPage,
}: {
  result: DryRunResult;
  page: number;
  onPage: (page: number) => void;
}) {
  const first = page * POLICY_DRY_RUN_PAGE + 1;
  return (
    <div className="space-y-4" data-testid="dry-run-result">
      <p className="px-5 text-sm text-slate-700 sm:px-6" data-testid="dry-run-summary">
        Looked at {result.scanned.toLocaleString('en')} {result.scanned === 1 ? 'result' : 'results'}: the
        draft changes the policy action of{' '}
        <span className="font-semibold">{result.changed.toLocaleString('en')}</span>.
      </p>
      {result.truncated ? (
        <Alert tone="info" className="mx-5 sm:mx-6">
          Only the newest results were looked at; the counts cover those.
        </Alert>
      ) : null}
      <DataTable
        rows={countRows(result)}
        columns={COUNT_COLUMNS}
        caption="Results per policy action, with the saved policy and with this draft"
        testId="dry-run-counts"
        rowTestId="dry-run-count"
        rowData={(row) => ({ 'data-action': row.id })}
        density="compact"
      />
      {result.rows.length ? (
        <div>
          <DataTable
            rows={result.rows}
            rowKey={(row) => `${row.jobId ?? 'sample'}:${row.email}`}
            columns={ROW_COLUMNS}
            caption="Results whose policy action the draft changes"
            testId="dry-run-rows"
            rowTestId="dry-run-row"
          />
          <PageSteps
            testId="dry-run-rows"
            range={`${first}–${first + result.rows.length - 1} of ${result.changed} · page ${page + 1}`}
            canPrevious={page > 0}
            canNext={result.nextPage !== null}
            onPrevious={() => onPage(page - 1)}
            onNext={() => onPage(page + 1)}
          />
        </div>
      ) : null}
    </div>
  );
}

export function DryRunCard({
  workspaceId,
  draft,
  blocked,
}: {
  workspaceId: string;
  draft: Policy;
  blocked: boolean;
}) {
  const dryRun = useDryRun();
  const [kind, setKind] = useState<SourceKind>('results');
  const [file, setFile] = useState<File>();
  const [ran, setRan] = useState<{ source: Source; page: number }>();
  const [fileProblem, setFileProblem] = useState<string>();

  function run(source: Source, page: number) {
    setRan({ source, page });
    const { kind: k } = source;
    dryRun.mutate({
      workspaceId,
      policy: draft,
      page,
      source:
        k === 'results' ? { kind: k } : { kind: k, fileBase64: source.fileBase64, filename: source.filename },
    });
  }

  async function start() {
    setFileProblem(undefined);
    if (kind === 'results') return run({ kind: 'results' }, 0);
    if (!file) return setFileProblem('Choose a file first.');
    if (file.size > POLICY_SAMPLE_MAX_BYTES) {
      return setFileProblem(`The sample is too large: at most ${POLICY_SAMPLE_MAX_BYTES / 1024} KB.`);
    }
    run({ kind: 'sample', fileBase64: await sampleBase64(file, file.size), filename: file.name }, 0);
  }

  return (
    <Card
      id="dry-run"
      testId="dry-run-card"
      title="Dry run"
      bodyClassName="py-5"
      description="See what this draft would change before you save it. Nothing is saved or stored."
    >
      <div className="flex flex-col gap-4 px-5 pb-5 sm:flex-row sm:items-end sm:px-6">
        <SelectField
          label="Try it on"
          className="sm:w-80"
          testId="dry-run-source"
          value={kind}
          onChange={(event) => setKind(event.target.value as SourceKind)}
        >
          <option value="results">Bulk results kept now (up to {BULK_RESULT_RETENTION_DAYS} days)</option>
          <option value="sample">A sample file (up to {POLICY_SAMPLE_MAX_ROWS} addresses)</option>
        </SelectField>
        {kind === 'sample' ? (
          <div className="text-sm">
            <label htmlFor="dry-run-file" className="block font-medium text-slate-800">
              Sample file (CSV, TSV or one address per line)
            </label>
            <input
              id="dry-run-file"
              type="file"
              accept=".csv,.tsv,.txt,text/csv,text/plain"
              data-testid="dry-run-file"
              className="mt-1.5 block text-sm text-slate-700"
              onChange={(event) => setFile(event.target.files?.[0])}
            />
          </div>
        ) : null}
        <Button
          onClick={() => void start()}
          loading={dryRun.isPending}
          disabled={blocked}
          data-testid="dry-run-start"
        >
          Run dry run
        </Button>
      </div>
      {kind === 'sample' ? (
        <p className="-mt-3 px-5 pb-4 text-xs text-slate-500 sm:px-6">
          The addresses are checked now, counted like single checks, and forgotten afterwards.
        </p>
      ) : null}
      {fileProblem ? (
        <Alert tone="error" className="mx-5 mb-4 sm:mx-6">
          {fileProblem}
        </Alert>
      ) : null}
      <ProblemAlert
        className="mx-5 mb-4 sm:mx-6"
        testId="dry-run-error"
        problem={
          dryRun.isError ? { title: 'The dry run failed', message: userMessage(dryRun.error) } : undefined
        }
      />
      {dryRun.data && ran ? (
        <Outcome result={dryRun.data} page={ran.page} onPage={(page) => run(ran.source, page)} />
      ) : null}
    </Card>
  );
}
