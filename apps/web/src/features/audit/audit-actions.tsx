// Export (CSV or JSON, exactly the filtered view) and verification of the hash chain. Both are audited
// themselves, so each refreshes the log when done.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { DownloadIcon, ShieldIcon } from '../../components/icons.tsx';
import { downloadBlob, exportFilename } from '../../lib/download.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import type { AuditFilterInput } from './audit-filters.ts';
import type { VerifyResult } from './use-audit.ts';

export function useAuditActions(workspace: { id: string; name: string }, filtered: boolean) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const exportRefusal = useRefusal((error) => workspaceActionError(error, 'export'));
  const verifyRefusal = useRefusal((error) => workspaceActionError(error, 'verify'));
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
      onError: exportRefusal.onError,
    }),
  );
  const verify = useMutation(
    trpc.audit.verify.mutationOptions({
      onMutate: () => setVerifyResult(undefined),
      onSuccess: (result) => {
        setVerifyResult(result);
        void refreshLog();
      },
      onError: verifyRefusal.onError,
    }),
  );
  const problem = exportRefusal.problem(exportLog) ?? verifyRefusal.problem(verify);
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

/** The two export buttons, joined: CSV leads with the icon, JSON is its narrow twin. */
const EXPORTS = [
  { format: 'csv', className: 'rounded-r-none', label: 'Export CSV', text: 'Export CSV', icon: true },
  { format: 'json', className: '-ml-px rounded-l-none', label: 'Export JSON', text: 'JSON', icon: false },
] as const;

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
        {EXPORTS.map(({ format, className, label, text, icon }) => (
          <Button
            key={format}
            variant="secondary"
            className={className}
            onClick={() => exportLog.mutate({ ...input, format })}
            loading={exporting(format)}
            disabled={exportLog.isPending || disabled}
            data-testid={`export-${format}`}
            aria-label={label}
          >
            {icon && !exporting(format) ? <DownloadIcon className="size-4 text-slate-500" /> : null}
            {text}
          </Button>
        ))}
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
