// The workspace's audit log: filters (event types, member, dates) kept in the URL, newest first with
// "Load more" (keyset pages), an entry's details in a side panel, export of the filtered view, and
// (owners) verification of the hash chain.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { Field } from '../../components/field.tsx';
import { CloseIcon, DownloadIcon, ScrollIcon, ShieldIcon } from '../../components/icons.tsx';
import { LoadMoreFooter } from '../../components/load-more-footer.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SelectField } from '../../components/select.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { cn } from '../../lib/cn.ts';
import { downloadBlob, exportFilename } from '../../lib/download.ts';
import { formatDateTime, formatRelative } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNow } from '../../lib/use-now.ts';
import { useMembersQuery } from '../members/use-members.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useCurrentWorkspace, useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { CHAIN_PROBLEMS, describeTarget, eventLabel, eventTone } from './audit-events.ts';
import {
  type AuditFilters,
  auditFilterInput,
  dateRangeProblem,
  filtersFromSearch,
  filtersToSearch,
  isFiltered,
  NO_FILTERS,
  sameFilters,
  toggleEventType,
} from './audit-filters.ts';
import { EntryDrawer } from './entry-drawer.tsx';
import { EventTypePicker } from './event-type-picker.tsx';
import { type AuditEntry, useAuditLog, type VerifyResult } from './use-audit.ts';

function TableSkeleton() {
  return (
    <div data-testid="audit-loading" aria-busy="true" className="divide-y divide-slate-100 px-5 sm:px-6">
      <span className="sr-only">Loading the audit log…</span>
      {[0, 1, 2, 3, 4].map((row) => (
        <div key={row} className="flex items-center gap-6 py-3.5">
          <Skeleton className="h-4 w-24" />
          <Skeleton className="h-5 w-36 rounded-full" />
          <Skeleton className="h-4 w-44" />
          <Skeleton className="ml-auto h-4 w-20" />
        </div>
      ))}
    </div>
  );
}

function VerifyPanel({ result, onDismiss }: { result: VerifyResult; onDismiss: () => void }) {
  const purge = result.checkpoint
    ? ` Last checkpoint: entry #${result.checkpoint.seq}, ${formatDateTime(result.checkpoint.createdAt)}.`
    : '';
  const head = result.head
    ? ` Compared with the head signed ${formatDateTime(result.head.time)} (entry #${result.head.seq}, ${
        result.head.source === 'pasted' ? 'the pasted checkpoint' : 'kept by Postern'
      }).`
    : '';
  const checkpoint = `${purge}${head}`;
  return (
    <div data-testid="verify-result" data-ok={result.ok} className="relative">
      {result.ok ? (
        <Alert tone="success" title="The audit chain is intact">
          All {result.entriesChecked} {result.entriesChecked === 1 ? 'entry' : 'entries'} link up and match
          their hashes: nothing was changed, removed or reordered.{checkpoint}
        </Alert>
      ) : (
        <Alert tone="error" title={`The audit chain is broken: ${result.problems.length} problem(s)`}>
          <p>
            {result.entriesChecked} entries checked.{checkpoint} The log may have been tampered with outside
            Postern.
          </p>
          <ul className="mt-2 list-disc space-y-1 pl-5" data-testid="verify-problems">
            {result.problems.map((problem) => (
              <li key={`${problem.seq}-${problem.problem}`}>
                <span className="font-medium">
                  {problem.seq === null ? 'Chain' : `Entry #${problem.seq}`} (
                  {problem.problem.replace('_', ' ')}):
                </span>{' '}
                {problem.detail ?? CHAIN_PROBLEMS[problem.problem]}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      <button
        type="button"
        onClick={onDismiss}
        aria-label="Dismiss the verification result"
        className="absolute top-2.5 right-2.5 rounded-md p-1 text-slate-400 hover:bg-white/60 hover:text-slate-700"
      >
        <CloseIcon className="size-4" />
      </button>
    </div>
  );
}

export function AuditPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Audit log · ${workspace.name}`);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const now = useNow(30_000);
  const [params, setParams] = useSearchParams();
  // The URL holds the filters; this copy answers at once (the router updates the URL in a transition,
  // which would make a controlled checkbox flicker back), and follows the URL when it changes (back).
  const [filters, setFilterState] = useState(() => filtersFromSearch(params));
  useEffect(() => {
    const fromUrl = filtersFromSearch(params);
    setFilterState((current) => (sameFilters(current, fromUrl) ? current : fromUrl));
  }, [params]);
  const rangeProblem = dateRangeProblem(filters);
  const input = useMemo(() => auditFilterInput(workspace.id, filters), [workspace.id, filters]);
  const log = useAuditLog(input, !rangeProblem);
  const members = useMembersQuery(workspace.id);
  const [selected, setSelected] = useState<AuditEntry>();
  const [exported, setExported] = useState<string>();
  const [verifyResult, setVerifyResult] = useState<VerifyResult>();
  /** A signed checkpoint (audit.checkpoint webhook or owners' digest) pasted back to verify against. */
  const [pastedCheckpoint, setPastedCheckpoint] = useState('');

  const emailsByUserId = useMemo(
    () => new Map((members.data?.members ?? []).map((member) => [member.userId, member.email])),
    [members.data],
  );
  const setFilters = (next: AuditFilters) => {
    setFilterState(next);
    setParams(filtersToSearch(next), { replace: true });
  };
  // Exports and verifications are themselves audited: show the new entries.
  const refreshLog = () => queryClient.invalidateQueries({ queryKey: trpc.audit.list.pathKey() });

  const exportLog = useMutation(
    trpc.audit.export.mutationOptions({
      onMutate: () => setExported(undefined),
      onSuccess: (file, variables) => {
        const name = exportFilename(file.filename, {
          workspaceName: workspace.name,
          format: variables.format,
          filtered: isFiltered(filters),
        });
        downloadBlob(name, file.contentType, file.body);
        setExported(
          `Exported ${file.rows} ${file.rows === 1 ? 'entry' : 'entries'} as ${variables.format.toUpperCase()} (${name}).`,
        );
        void refreshLog();
      },
      onError: (error) => {
        if (workspaceActionError(error, 'export').staleRole) void invalidateWorkspaces();
      },
    }),
  );
  const verify = useMutation(
    trpc.audit.verify.mutationOptions({
      onMutate: () => setVerifyResult(undefined),
      onSuccess: (result) => {
        setVerifyResult(result);
        void refreshLog();
      },
      onError: (error) => {
        if (workspaceActionError(error, 'verify').staleRole) void invalidateWorkspaces();
      },
    }),
  );

  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const filtered = isFiltered(filters);
  const actionProblem = exportLog.isError
    ? workspaceActionError(exportLog.error, 'export')
    : verify.isError
      ? workspaceActionError(verify.error, 'verify')
      : undefined;

  let body: ReactNode;
  if (rangeProblem) body = null;
  else if (log.isPending) body = <TableSkeleton />;
  else if (log.isError && !log.data)
    body = (
      <LoadError
        title="Could not load the audit log"
        error={log.error}
        onRetry={() => void log.refetch()}
        retrying={log.isFetching}
        testId="audit-error"
        className="m-5 sm:m-6"
      />
    );
  else if (entries.length === 0)
    body = (
      <EmptyState
        icon={ScrollIcon}
        title={filtered ? 'No entries match these filters' : 'Nothing recorded yet'}
        testId="audit-empty"
        action={
          filtered ? (
            <Button variant="secondary" onClick={() => setFilters(NO_FILTERS)}>
              Clear filters
            </Button>
          ) : undefined
        }
      >
        {filtered
          ? 'Try a wider date range or fewer event types.'
          : 'Changes to members, API keys and settings of this workspace will appear here.'}
      </EmptyState>
    );
  else
    body = (
      <>
        <div
          className={cn('relative overflow-x-auto transition-opacity', log.isPlaceholderData && 'opacity-60')}
        >
          <table data-testid="audit-table" className="w-full text-left text-sm">
            <caption className="sr-only">Audit log entries, newest first</caption>
            <thead className="border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2.5 font-medium sm:px-6">
                  When
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Event
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
                  Actor
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
                  Target
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium xl:table-cell">
                  IP address
                </th>
                <th scope="col" className="px-5 py-2.5 text-right font-medium sm:px-6">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((entry) => (
                <tr
                  key={entry.id}
                  data-testid="audit-row"
                  data-event-type={entry.eventType}
                  data-seq={entry.seq}
                  className="hover:bg-slate-50/70"
                >
                  <td className="px-5 py-3 whitespace-nowrap text-slate-600 sm:px-6">
                    <time dateTime={entry.occurredAt} title={formatDateTime(entry.occurredAt)}>
                      {formatRelative(Date.parse(entry.occurredAt), now)}
                    </time>
                    <span className="block text-xs text-slate-400 tabular-nums">#{entry.seq}</span>
                  </td>
                  <td className="px-3 py-3">
                    <span className="block font-medium text-slate-900">{eventLabel(entry.eventType)}</span>
                    <Badge tone={eventTone(entry.eventType)} className="mt-1">
                      <code className="font-mono text-[0.7rem]" data-testid="audit-event-type">
                        {entry.eventType}
                      </code>
                    </Badge>
                  </td>
                  <td className="hidden px-3 py-3 text-slate-700 md:table-cell" data-testid="audit-actor">
                    {entry.actorEmail ?? <span className="text-slate-400">System</span>}
                  </td>
                  <td className="hidden max-w-56 truncate px-3 py-3 text-slate-600 lg:table-cell">
                    {describeTarget(entry, emailsByUserId) ?? <span className="text-slate-400">—</span>}
                  </td>
                  <td className="hidden px-3 py-3 font-mono text-xs text-slate-500 xl:table-cell">
                    {entry.ip ?? '—'}
                  </td>
                  <td className="px-5 py-3 text-right sm:px-6">
                    <Button
                      variant="ghost"
                      className="px-2.5 py-1.5 text-xs"
                      data-testid="audit-details"
                      aria-label={`Details of entry #${entry.seq}: ${eventLabel(entry.eventType)}`}
                      onClick={() => setSelected(entry)}
                    >
                      Details
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <LoadMoreFooter
          shown={entries.length}
          noun={['entry', 'entries']}
          endText="end of the log"
          hasMore={log.hasNextPage}
          loading={log.isFetchingNextPage}
          failed={log.isFetchNextPageError}
          onLoadMore={() => void log.fetchNextPage()}
          buttonLabel="Load older entries"
          testId="audit"
        />
      </>
    );

  const memberList = members.data?.members ?? [];
  const actorMissing = filters.actorId && !memberList.some((member) => member.userId === filters.actorId);

  return (
    <div className="space-y-6" data-testid="audit-page">
      <PageHeader
        title="Audit log"
        description={
          <>
            A tamper-evident record of what happened in{' '}
            <span className="font-medium text-slate-700">{workspace.name}</span>: who did it, when and from
            where.
          </>
        }
        actions={
          <>
            <div className="flex">
              <Button
                variant="secondary"
                className="rounded-r-none"
                onClick={() => exportLog.mutate({ ...input, format: 'csv' })}
                loading={exportLog.isPending && exportLog.variables?.format === 'csv'}
                disabled={exportLog.isPending || Boolean(rangeProblem)}
                data-testid="export-csv"
              >
                {exportLog.isPending && exportLog.variables?.format === 'csv' ? null : (
                  <DownloadIcon className="size-4 text-slate-500" />
                )}
                Export CSV
              </Button>
              <Button
                variant="secondary"
                className="-ml-px rounded-l-none"
                onClick={() => exportLog.mutate({ ...input, format: 'json' })}
                loading={exportLog.isPending && exportLog.variables?.format === 'json'}
                disabled={exportLog.isPending || Boolean(rangeProblem)}
                data-testid="export-json"
                aria-label="Export JSON"
              >
                JSON
              </Button>
            </div>
            {can('audit.verify') ? (
              <Button
                onClick={() =>
                  verify.mutate({
                    workspaceId: workspace.id,
                    ...(pastedCheckpoint.trim() ? { checkpoint: pastedCheckpoint.trim() } : {}),
                  })
                }
                loading={verify.isPending}
                data-testid="verify-chain"
              >
                {verify.isPending ? null : <ShieldIcon className="size-4" />}
                Verify chain
              </Button>
            ) : null}
          </>
        }
      />

      {can('audit.verify') ? (
        <details className="text-sm text-slate-600" data-testid="verify-checkpoint">
          <summary className="cursor-pointer select-none">Verify against a saved checkpoint</summary>
          <label className="mt-2 block">
            <span className="block pb-1">
              Paste a checkpoint from an <code>audit.checkpoint</code> webhook or the owners' daily email,
              then press Verify chain: Postern reports it if the log was emptied or its newest entries removed
              since.
            </span>
            <textarea
              value={pastedCheckpoint}
              onChange={(event) => setPastedCheckpoint(event.target.value)}
              rows={3}
              maxLength={4000}
              spellCheck={false}
              placeholder='{"scope":"ws:…","seq":42,"hash":"…","time":"…","keyId":"…","signature":"…"}'
              className="w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
              data-testid="verify-checkpoint-input"
            />
          </label>
        </details>
      ) : null}
      {verifyResult ? (
        <VerifyPanel result={verifyResult} onDismiss={() => setVerifyResult(undefined)} />
      ) : null}
      {exported ? (
        <Alert tone="success" testId="export-done">
          {exported}
        </Alert>
      ) : null}
      {actionProblem ? (
        <Alert tone="error" title={actionProblem.title} testId="audit-action-error">
          {actionProblem.message}
        </Alert>
      ) : null}

      <Card
        id="audit-entries"
        testId="audit-card"
        bodyClassName="p-0"
        title="Entries"
        description={filtered ? 'Filtered view: exports contain exactly these entries.' : 'Newest first.'}
        actions={
          log.isFetching && !log.isFetchingNextPage && !log.isPending ? (
            <Spinner className="size-4 text-slate-400" />
          ) : undefined
        }
      >
        <div
          className="border-b border-slate-100 bg-slate-50/40 px-5 py-4 sm:px-6"
          data-testid="audit-filters"
        >
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[minmax(0,1.2fr)_minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1fr)_auto] lg:items-end">
            <EventTypePicker
              selected={filters.eventTypes}
              onToggle={(type) => setFilters(toggleEventType(filters, type))}
              onClear={() => setFilters({ ...filters, eventTypes: [] })}
            />
            <SelectField
              label="Member"
              testId="actor-filter"
              value={filters.actorId ?? ''}
              onChange={(event) => setFilters({ ...filters, actorId: event.target.value || undefined })}
            >
              <option value="">Anyone</option>
              {actorMissing ? <option value={filters.actorId}>Former member</option> : null}
              {memberList.map((member) => (
                <option key={member.userId} value={member.userId}>
                  {member.email}
                </option>
              ))}
            </SelectField>
            <Field
              label="From"
              type="date"
              testId="from-filter"
              value={filters.from ?? ''}
              max={filters.to}
              onChange={(event) => setFilters({ ...filters, from: event.target.value || undefined })}
              error={rangeProblem}
            />
            <Field
              label="To"
              type="date"
              testId="to-filter"
              value={filters.to ?? ''}
              min={filters.from}
              onChange={(event) => setFilters({ ...filters, to: event.target.value || undefined })}
            />
            <Button
              variant="ghost"
              onClick={() => setFilters(NO_FILTERS)}
              disabled={!filtered}
              data-testid="clear-filters"
            >
              Clear
            </Button>
          </div>
          {filters.eventTypes.length ? (
            <ul className="mt-3 flex flex-wrap gap-2" aria-label="Chosen event types">
              {filters.eventTypes.map((type) => (
                <li key={type}>
                  <button
                    type="button"
                    onClick={() => setFilters(toggleEventType(filters, type))}
                    aria-label={`Remove the filter ${eventLabel(type)}`}
                    className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pr-1.5 pl-2.5 text-xs font-medium text-indigo-700 ring-1 ring-indigo-600/20 ring-inset hover:bg-indigo-100"
                  >
                    {eventLabel(type)}
                    <CloseIcon className="size-3.5" />
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        {body}
      </Card>

      <EntryDrawer entry={selected} emailsByUserId={emailsByUserId} onClose={() => setSelected(undefined)} />
    </div>
  );
}
