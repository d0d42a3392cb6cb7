// The workspace's audit log: filters (event types, actor, target, days) kept in the URL, newest first with
// "Load more" (keyset pages), an entry's details in a side panel, export of the filtered view, and
// (owners) verification of the hash chain.
import { useMemo, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { LogCard } from '../../components/list-kit/log-card.tsx';
import { Page } from '../../components/page-header.tsx';
import { dayRangeProblem } from '../../lib/day-range.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNow } from '../../lib/use-now.ts';
import { useUrlFilters } from '../../lib/use-url-filters.ts';
import { useKeysQuery } from '../api-keys/use-api-keys.ts';
import { useMembersQuery } from '../members/use-members.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { AuditHeaderActions, useAuditActions } from './audit-actions.tsx';
import { AuditEntries } from './audit-entries.tsx';
import { AuditFilterBar } from './audit-filter-bar.tsx';
import { AUDIT_FILTERS_CODEC, auditFilterInput, isFiltered, NO_FILTERS } from './audit-filters.ts';
import { EntryDrawer } from './entry-drawer.tsx';
import { type AuditEntry, useAuditLog } from './use-audit.ts';
import { CheckpointInput, VerifyPanel } from './verify-panel.tsx';

export function AuditPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Audit log · ${workspace.name}`);
  const now = useNow(30_000);
  const [filters, setFilters] = useUrlFilters(AUDIT_FILTERS_CODEC);
  const rangeProblem = dayRangeProblem(filters);
  const input = useMemo(() => auditFilterInput(workspace.id, filters), [workspace.id, filters]);
  const log = useAuditLog(input, !rangeProblem);
  const members = useMembersQuery(workspace.id);
  const keys = useKeysQuery(workspace.id);
  const [selected, setSelected] = useState<AuditEntry>();
  const [pastedCheckpoint, setPastedCheckpoint] = useState('');
  const filtered = isFiltered(filters);
  const actions = useAuditActions(workspace, filtered);

  return (
    <Page
      testId="audit-page"
      title="Audit log"
      description={
        <>
          A tamper-evident record of what happened in{' '}
          <span className="font-medium text-slate-700">{workspace.name}</span>: who did it, when and from
          where.
        </>
      }
      actions={
        <AuditHeaderActions
          actions={actions}
          input={input}
          disabled={Boolean(rangeProblem)}
          workspaceId={workspace.id}
          canVerify={can('audit.verify')}
          checkpoint={pastedCheckpoint}
        />
      }
    >
      {can('audit.verify') ? (
        <CheckpointInput value={pastedCheckpoint} onChange={setPastedCheckpoint} />
      ) : null}
      {actions.verifyResult ? (
        <VerifyPanel result={actions.verifyResult} onDismiss={actions.dismissVerifyResult} />
      ) : null}
      {actions.exported ? (
        <Alert tone="success" testId="export-done">
          {actions.exported}
        </Alert>
      ) : null}
      {actions.problem ? (
        <Alert tone="error" title={actions.problem.title} testId="audit-action-error">
          {actions.problem.message}
        </Alert>
      ) : null}

      <LogCard
        id="audit-entries"
        testId="audit-card"
        title="Entries"
        description={filtered ? 'Filtered view: exports contain exactly these entries.' : 'Newest first.'}
        log={log}
      >
        <AuditFilterBar
          filters={filters}
          onChange={setFilters}
          members={members.data?.members ?? []}
          apiKeys={keys.data?.keys ?? []}
        />
        {rangeProblem ? null : (
          <AuditEntries
            log={log}
            filtered={filtered}
            onClearFilters={() => setFilters(NO_FILTERS)}
            now={now}
            onSelect={setSelected}
          />
        )}
      </LogCard>

      <EntryDrawer entry={selected} onClose={() => setSelected(undefined)} />
    </Page>
  );
}
