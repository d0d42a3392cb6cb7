// The outcome of verifying the audit chain, and the box to paste a signed checkpoint to verify against.
import { Alert } from '../../components/alert.tsx';
import { CloseIcon } from '../../components/icons.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { CHAIN_PROBLEMS } from './audit-events.ts';
import type { VerifyResult } from './use-audit.ts';

function checkpointText(result: VerifyResult): string {
  const purge = result.checkpoint
    ? ` Last checkpoint: entry #${result.checkpoint.seq}, ${formatDateTime(result.checkpoint.createdAt)}.`
    : '';
  const head = result.head
    ? ` Compared with the head signed ${formatDateTime(result.head.time)} (entry #${result.head.seq}, ${
        result.head.source === 'pasted' ? 'the pasted checkpoint' : 'kept by Postern'
      }).`
    : '';
  return `${purge}${head}`;
}

export function VerifyPanel({ result, onDismiss }: { result: VerifyResult; onDismiss: () => void }) {
  const checkpoint = checkpointText(result);
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
        className="absolute top-2.5 right-2.5 rounded-md p-1 text-slate-500 hover:bg-white/60 hover:text-slate-700"
      >
        <CloseIcon className="size-4" />
      </button>
    </div>
  );
}

/** A signed checkpoint (audit.checkpoint webhook or owners' digest) pasted back to verify against. */
export function CheckpointInput({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <details className="text-sm text-slate-600" data-testid="verify-checkpoint">
      <summary className="cursor-pointer select-none">Verify against a saved checkpoint</summary>
      <label className="mt-2 block">
        <span className="block pb-1">
          Paste a checkpoint from an <code>audit.checkpoint</code> webhook or the owners' daily email, then
          press Verify chain: Postern reports it if the log was emptied or its newest entries removed since.
        </span>
        <textarea
          value={value}
          onChange={(event) => onChange(event.target.value)}
          rows={3}
          maxLength={4000}
          spellCheck={false}
          placeholder='{"scope":"ws:…","seq":42,"hash":"…","time":"…","keyId":"…","signature":"…"}'
          className="w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
          data-testid="verify-checkpoint-input"
        />
      </label>
    </details>
  );
}
