// Export (CSV or JSON, exactly the filtered view) and verification of the hash chain. Both are audited
// themselves, so each refreshes the log when done.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { DownloadIcon, ShieldIcon } from '../../components/icons.tsx';
import { downloadBlob, exportFilename } from '../../lib/download.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import type { AuditFilterInput } from './audit-filters.ts';
import type { VerifyResult } from './use-audit.ts';

export function useAuditActions(workspace: { id: string; name: string }, filtered: boolean) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const [exported, setExported] = useState<string>();
  const [verifyResult, setVerifyResult] = useState<VerifyResult>();
  const refreshLog = () => queryClient.invalidateQueries({ queryKey: trpc.audit.list.pathKey() });
  const exportLog = useMutation(
    trpc.audit.export.mutationOptions({
      onMutate: () => setExported(undefined),
      onSuccess: (file, variables) => {
        const name = exportFilename(file.filename, {
          workspaceName: workspace.name,
          format: variables.format,
          filtered,
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
  const problem = exportLog.isError
    ? workspaceActionError(exportLog.error, 'export')
    : verify.isError
      ? workspaceActionError(verify.error, 'verify')
      : undefined;
  return {
    exportLog,
    verify,
    exported,
    verifyResult,
    dismissVerifyResult: () => setVerifyResult(undefined),
    problem,
  };
}

type AuditActions = ReturnType<typeof useAuditActions>;

export function AuditHeaderActions({
  actions: { exportLog, verify },
  input,
  disabled,
  workspaceId,
  canVerify,
  checkpoint,
}: {
  actions: AuditActions;
  input: AuditFilterInput;
  disabled: boolean;
  workspaceId: string;
  canVerify: boolean;
  checkpoint: string;
}) {
  const exporting = (format: 'csv' | 'json') => exportLog.isPending && exportLog.variables?.format === format;
  return (
    <>
      <div className="flex">
        <Button
          variant="secondary"
          className="rounded-r-none"
          onClick={() => exportLog.mutate({ ...input, format: 'csv' })}
          loading={exporting('csv')}
          disabled={exportLog.isPending || disabled}
          data-testid="export-csv"
        >
          {exporting('csv') ? null : <DownloadIcon className="size-4 text-slate-500" />}
          Export CSV
        </Button>
        <Button
          variant="secondary"
          className="-ml-px rounded-l-none"
          onClick={() => exportLog.mutate({ ...input, format: 'json' })}
          loading={exporting('json')}
          disabled={exportLog.isPending || disabled}
          data-testid="export-json"
          aria-label="Export JSON"
        >
          JSON
        </Button>
      </div>
      {canVerify ? (
        <Button
          onClick={() =>
            verify.mutate({ workspaceId, ...(checkpoint.trim() ? { checkpoint: checkpoint.trim() } : {}) })
          }
          loading={verify.isPending}
          data-testid="verify-chain"
        >
          {verify.isPending ? null : <ShieldIcon className="size-4" />}
          Verify chain
        </Button>
      ) : null}
    </>
  );
}
