// One contact import (/w/:ws/lists/:listId/imports/:importId): its status and live progress (polled
// while it runs, announced politely), the counts (imported, skipped by reason, rejected by
// verification), cancelling while it runs, and the report of the rows not subscribed (paged, kit table)
// with its CSV download.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useParams } from 'react-router';
import { ProblemAlert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { DetailRow } from '../../components/detail-row.tsx';
import { UploadIcon } from '../../components/icons.tsx';
import { BackLink, ItemHeader, ItemNotFound, ItemState } from '../../components/item-page.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { actionProblem } from '../../lib/action-problem.ts';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { formatCount, formatPercent } from '../bulk/bulk-model.ts';
import { isListId, listPath, listsPath } from '../lists/list-paths.ts';
import { useListQuery, useRefreshLists } from '../lists/use-lists.ts';
import { isItemId } from '../workspaces/paths.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { BASES, isFinished, progressText, REASON_LABELS, STATUS_INFO } from './import-model.ts';
import { ReportCard } from './report-card.tsx';
import type { ContactImport } from './use-imports.ts';

const NOT_FOUND = {
  icon: UploadIcon,
  title: 'Import not found',
  testId: 'import-not-found',
  listLabel: 'See the lists',
} as const;

/** How often a running import is read again. */
const POLL_MS = 1_000;

export function ImportPage() {
  const { workspace } = useCurrentWorkspace();
  const { listId, importId } = useParams();
  if (!isListId(listId) || !isItemId(importId))
    return <ItemNotFound {...NOT_FOUND} listPath={listsPath(workspace.id)} />;
  return <ImportView key={importId} listId={listId} importId={importId} />;
}

function ImportView({ listId, importId }: { listId: string; importId: string }) {
  const { workspace } = useCurrentWorkspace();
  const trpc = useTRPC();
  const refreshLists = useRefreshLists();
  const list = useListQuery(workspace.id, listId);
  const job = useQuery(
    trpc.contactImports.get.queryOptions(
      { workspaceId: workspace.id, importId },
      {
        staleTime: 0,
        refetchInterval: (query) => {
          const status = query.state.data?.status;
          return status && isFinished(status) ? false : POLL_MS;
        },
      },
    ),
  );
  const finished = Boolean(job.data && isFinished(job.data.status));
  // Once it ends, the list's counts changed: read them again.
  useEffect(() => {
    if (finished) void refreshLists();
  }, [finished, refreshLists]);
  useDocumentTitle(`Import${list.data ? ` into ${list.data.name}` : ''} · ${workspace.name}`);
  const back = (
    <BackLink to={listPath(workspace.id, listId)} testId="back-to-list">
      {list.data?.name ?? 'The list'}
    </BackLink>
  );
  const notFound = <ItemNotFound {...NOT_FOUND} listPath={listsPath(workspace.id)} />;
  return (
    <ItemState query={job} name="import-job" what="the import" notFound={notFound} back={back}>
      {(item) =>
        // Another list's import under this list's address is not shown here.
        item.listId !== listId ? (
          notFound
        ) : (
          <div className="space-y-6" data-testid="import-job-page" data-status={item.status}>
            {back}
            <ItemHeader
              title={`Import into ${list.data?.name ?? 'the list'}`}
              titleTestId="import-title"
              description={
                <>
                  {item.source ? <span className="text-slate-700">{item.source} · </span> : null}
                  Started {formatDateTime(item.createdAt)}
                </>
              }
              actions={<CancelImport item={item} />}
            />
            <ProgressCard item={item} />
            <ReportCard workspaceId={workspace.id} item={item} />
          </div>
        )
      }
    </ItemState>
  );
}

function CancelImport({ item }: { item: ContactImport }) {
  const { workspace, can } = useCurrentWorkspace();
  const trpc = useTRPC();
  const refusal = useRefusal((error) =>
    actionProblem(error, {
      failed: 'Could not cancel the import',
      forbidden: 'Viewers cannot cancel imports.',
      gone: 'It may have ended meanwhile.',
    }),
  );
  const cancel = useMutation(trpc.contactImports.cancel.mutationOptions({ onError: refusal.onError }));
  if (isFinished(item.status) || !can('contacts.write')) return null;
  return (
    <div className="flex flex-col items-end gap-2">
      <Button
        variant="secondary"
        loading={cancel.isPending}
        data-testid="import-cancel"
        onClick={() => cancel.mutate({ workspaceId: workspace.id, importId: item.id })}
      >
        Cancel import
      </Button>
      <ProblemAlert problem={refusal.problem(cancel)} />
    </div>
  );
}

function ProgressCard({ item }: { item: ContactImport }) {
  const info = STATUS_INFO[item.status];
  const { counts } = item;
  const reasons = Object.entries(counts.byReason).filter(([, n]) => (n ?? 0) > 0) as Array<
    [keyof typeof REASON_LABELS, number]
  >;
  return (
    <Card
      id="import-progress"
      testId="import-progress-card"
      title="Progress"
      actions={
        <Badge tone={info.tone} dot testId="import-status">
          <span data-status={item.status}>{info.label}</span>
        </Badge>
      }
    >
      <div className="space-y-5">
        <div aria-live="polite" className="space-y-2">
          <div className="flex items-center justify-between text-sm">
            <span className="text-slate-700" data-testid="import-progress-text">
              {progressText(counts)}
            </span>
            <span className="text-slate-600 tabular-nums">{formatPercent(item.percent)}</span>
          </div>
          <ProgressBar
            value={item.percent}
            label="Import progress"
            tone={item.status === 'failed' ? 'rose' : item.status === 'completed' ? 'emerald' : 'indigo'}
            valueText={`${info.label}: ${progressText(counts)}`}
            testId="import-progress-bar"
          />
          {item.error ? (
            <p className="text-sm text-rose-700" data-testid="import-failure">
              {item.error}
            </p>
          ) : null}
        </div>
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="import-counts">
          {[
            { key: 'rows', label: 'Rows', value: counts.rows },
            { key: 'imported', label: 'Subscribed', value: counts.imported },
            { key: 'skipped', label: 'Not subscribed', value: counts.skipped },
            { key: 'rejected', label: 'Rejected by verification', value: counts.rejected },
          ].map((stat) => (
            <div key={stat.key} className="rounded-lg border border-slate-200 px-3 py-2">
              <dt className="text-xs text-slate-600">{stat.label}</dt>
              <dd
                className="text-lg font-semibold text-slate-900 tabular-nums"
                data-testid={`import-count-${stat.key}`}
              >
                {formatCount(stat.value)}
              </dd>
            </div>
          ))}
        </dl>
        <dl className="-my-3 divide-y divide-slate-100">
          <DetailRow label="Consent basis">
            {BASES.find((basis) => basis.value === item.basis)?.label ?? item.basis}
            {item.express ? ' · express consent' : ''}
          </DetailRow>
          <DetailRow label="Verification">
            {item.verify ? 'Each address verified first' : 'Not verified'}
          </DetailRow>
          {reasons.length ? (
            <DetailRow label="Not subscribed" testId="import-reasons">
              {reasons.map(([reason, n]) => `${REASON_LABELS[reason]}: ${formatCount(n)}`).join(' · ')}
            </DetailRow>
          ) : null}
          {item.finishedAt ? <DetailRow label="Finished">{formatDateTime(item.finishedAt)}</DetailRow> : null}
        </dl>
      </div>
    </Card>
  );
}
