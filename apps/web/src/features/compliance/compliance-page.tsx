// Settings → Compliance: the workspace's suppression list, the addresses campaigns never mail (reason,
// source, date; filter by reason). Owners and admins add one address or a file of them, export the
// list as CSV, and remove manual entries; the others belong to the person, who alone can lift them by
// subscribing again with double opt-in.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { RowConfirmAction } from '../../components/confirm-action.tsx';
import { DownloadIcon, PlusIcon, UploadIcon } from '../../components/icons.tsx';
import { afterRowAction } from '../../components/list-kit/after-row-action.ts';
import { FilterBar } from '../../components/list-kit/filter-bar.tsx';
import { LogCard } from '../../components/list-kit/log-card.tsx';
import { ListNotice } from '../../components/list-kit/row-button.tsx';
import { rowMutation, useRowConfirm } from '../../components/list-kit/use-row-confirm.ts';
import { Page } from '../../components/page-header.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { downloadBlob, slugify } from '../../lib/download.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useUrlFilters } from '../../lib/use-url-filters.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { AddSuppressionDialog } from './add-suppression-dialog.tsx';
import { REASON_CHOICES, REASONS } from './compliance-model.ts';
import { ImportDialog } from './import-dialog.tsx';
import { exportName, suppressionsCsv } from './suppression-csv.ts';
import { suppressionActionError } from './suppression-errors.ts';
import { SuppressionsTable } from './suppressions-table.tsx';
import {
  SUPPRESSION_FILTERS_CODEC,
  type Suppression,
  type SuppressionFilters,
  useRefreshSuppressions,
  useSuppressionsLog,
} from './use-suppressions.ts';

function useExport(workspaceId: string, workspaceName: string, onDone: (text: string) => void) {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => suppressionActionError(error, 'export'));
  const exporter = useMutation(
    trpc.contacts.suppressions.export.mutationOptions({
      onSuccess: ({ suppressions }) => {
        downloadBlob(
          `${slugify(workspaceName)}-${exportName(Date.now())}`,
          'text/csv;charset=utf-8',
          suppressionsCsv(suppressions),
        );
        onDone(
          `Exported ${suppressions.length} ${suppressions.length === 1 ? 'address' : 'addresses'} as CSV.`,
        );
      },
      onError: refusal.onError,
    }),
  );
  return {
    run: () => exporter.mutate({ workspaceId }),
    busy: exporter.isPending,
    problem: refusal.problem(exporter),
  };
}

function HeaderActions({
  exporter,
  onOpen,
}: {
  exporter: ReturnType<typeof useExport>;
  onOpen: (dialog: 'add' | 'import') => void;
}) {
  // Wraps on a phone: three buttons do not fit beside each other at 390 px.
  return (
    <div className="flex min-w-0 flex-wrap gap-2 lg:flex-nowrap">
      <Button
        variant="secondary"
        data-testid="export-suppressions"
        loading={exporter.busy}
        onClick={exporter.run}
      >
        {exporter.busy ? null : <DownloadIcon className="size-4 text-slate-500" />}
        Export CSV
      </Button>
      <Button variant="secondary" data-testid="import-suppressions" onClick={() => onOpen('import')}>
        <UploadIcon className="size-4 text-slate-500" />
        Import
      </Button>
      <Button data-testid="add-suppression" onClick={() => onOpen('add')}>
        <PlusIcon className="size-4" />
        Add address
      </Button>
    </div>
  );
}

/** Add one, import a file, and the confirmation before removing a manual entry (owners and admins). */
function ManageDialogs({
  workspaceId,
  dialog,
  onClose,
  confirm,
  onChanged,
}: {
  workspaceId: string;
  dialog: 'add' | 'import' | undefined;
  onClose: () => void;
  confirm: ReturnType<typeof useRowConfirm<Suppression>>;
  onChanged: () => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => suppressionActionError(error, 'remove'));
  const remove = useMutation(
    trpc.contacts.suppressions.remove.mutationOptions({
      onSuccess: afterRowAction(
        confirm,
        onChanged,
        (row) => `${row?.email ?? 'The address'} is no longer suppressed.`,
      ),
      onError: refusal.onError,
    }),
  );
  const removeRow = rowMutation(confirm, remove, refusal.problem(remove), {
    testId: 'remove-suppression-dialog',
    title: 'Remove this suppression?',
    confirmLabel: 'Remove',
  });
  return (
    <>
      <AddSuppressionDialog
        open={dialog === 'add'}
        workspaceId={workspaceId}
        onClose={onClose}
        onAdded={(email, added) => {
          confirm.setNotice(added ? `${email} is suppressed.` : `${email} was already suppressed.`);
          void onChanged();
        }}
      />
      <ImportDialog
        open={dialog === 'import'}
        workspaceId={workspaceId}
        onClose={onClose}
        onImported={() => void onChanged()}
      />
      <RowConfirmAction
        {...removeRow.dialog}
        onConfirm={(row) => remove.mutate({ workspaceId, suppressionId: row.id })}
      >
        {(row) => (
          <p>
            Campaigns may mail <span className="font-medium text-slate-900">{row.email}</span> again if it is
            subscribed to a list. Remove it only if the person asked for it or it was added by mistake.
          </p>
        )}
      </RowConfirmAction>
    </>
  );
}

function ReasonFilter({
  filters,
  onChange,
}: {
  filters: SuppressionFilters;
  onChange: (next: SuppressionFilters) => void;
}) {
  return (
    <FilterBar
      testId="suppressions-filters"
      filters={filters}
      onChange={onChange}
      cleared={{}}
      gridClassName="lg:grid-cols-[minmax(0,16rem)_auto] lg:justify-start"
    >
      <SelectField
        label="Reason"
        testId="suppressions-reason-filter"
        value={filters.reason ?? ''}
        onChange={(event) => onChange({ reason: REASONS.find((reason) => reason === event.target.value) })}
      >
        <option value="">Every reason</option>
        <Options choices={REASON_CHOICES} />
      </SelectField>
    </FilterBar>
  );
}

export function CompliancePage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Compliance · ${workspace.name}`);
  const canManage = can('suppressions.manage');
  const [filters, setFilters] = useUrlFilters(SUPPRESSION_FILTERS_CODEC);
  const log = useSuppressionsLog(workspace.id, filters);
  const refresh = useRefreshSuppressions();
  const confirm = useRowConfirm<Suppression>();
  const [dialog, setDialog] = useState<'add' | 'import'>();
  const exporter = useExport(workspace.id, workspace.name, (text) => confirm.setNotice(text));

  return (
    <Page
      testId="compliance-page"
      title="Compliance"
      description="Addresses that campaigns never mail, and why. Suppression is checked again at sending time."
      actions={
        canManage ? (
          <HeaderActions
            exporter={exporter}
            onOpen={(which) => {
              confirm.setNotice(undefined);
              setDialog(which);
            }}
          />
        ) : undefined
      }
    >
      <ProblemAlert problem={exporter.problem} testId="export-suppressions-error" />
      <LogCard
        id="suppressions"
        testId="suppressions-card"
        title="Suppression list"
        description={
          canManage
            ? 'Manual entries can be removed here. The others can only be lifted by the person, by subscribing again with double opt-in.'
            : 'Owners and admins add and remove manual entries.'
        }
        log={log}
      >
        <ListNotice testId="suppressions-notice">{confirm.notice}</ListNotice>
        <ReasonFilter filters={filters} onChange={setFilters} />
        <SuppressionsTable
          log={log}
          onClearFilters={filters.reason ? () => setFilters({}) : undefined}
          canManage={canManage}
          onRemove={confirm.ask}
        />
      </LogCard>
      {canManage ? (
        <ManageDialogs
          workspaceId={workspace.id}
          dialog={dialog}
          onClose={() => setDialog(undefined)}
          confirm={confirm}
          onChanged={refresh}
        />
      ) : null}
    </Page>
  );
}
