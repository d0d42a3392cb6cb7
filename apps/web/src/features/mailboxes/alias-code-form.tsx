// The second step of proving an alias: Postern looks for the code it sent (over IMAP) a few times on
// its own, and the person may type the 6-digit code they see instead. The code is single use and
// expires; wrong codes are counted by the server.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Field } from '../../components/field.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { apiErrorData } from '../../lib/api-errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { type Mailbox, useMailboxChange } from './use-mailboxes.ts';

export interface PendingAlias {
  verificationId: string;
  address: string;
  expiresAt: string;
}

/** "Looking for the code…" while an automatic search runs. */
function Searching({ label }: { label: string }) {
  return (
    <p role="status" className="flex items-center gap-2 text-sm text-slate-600" data-testid="alias-searching">
      <Spinner className="size-4 text-indigo-600" />
      {label}
    </p>
  );
}

/**
 * How long Postern waits before each search of its own (ms, after the previous one ended): mail takes
 * a moment to arrive, and every search spends the workspace's mailbox network budget.
 */
export const AUTO_SEARCH_WAITS_MS = [8_000, 15_000, 25_000] as const;

/** "Not arrived yet" is the answer of a search, not a refusal to show. */
function notArrived(error: unknown): boolean {
  return apiErrorData(error)?.details?.reason === 'not_found';
}

/** The alias is proven once the mailbox sends from it. */
function isUsing(mailbox: Mailbox, address: string): boolean {
  return (
    mailbox.identity.aliasVerified && mailbox.identity.fromAddress.toLowerCase() === address.toLowerCase()
  );
}

function useConfirmAlias(mailbox: Mailbox, pending: PendingAlias, onVerified: () => void) {
  const { workspace } = useCurrentWorkspace();
  const { trpc, updated, refusal } = useMailboxChange('aliasConfirm');
  const [notFound, setNotFound] = useState(false);
  const confirm = useMutation(
    trpc.mailboxes.confirmAliasVerification.mutationOptions({
      onMutate: () => setNotFound(false),
      onSuccess: (answer) => {
        void updated(answer);
        if (isUsing(answer, pending.address)) onVerified();
        else setNotFound(true);
      },
      onError: (error) => {
        if (notArrived(error)) setNotFound(true);
        else refusal.onError(error);
      },
    }),
  );
  const run = (code?: string) =>
    confirm.mutate({
      workspaceId: workspace.id,
      mailboxId: mailbox.id,
      verificationId: pending.verificationId,
      ...(code ? { code } : {}),
    });
  const problem = notArrived(confirm.error) ? undefined : refusal.problem(confirm);
  return { confirm, run, notFound, problem };
}

/** Searches on its own after each of AUTO_SEARCH_WAITS_MS, while nothing else runs; the searches left. */
function useAutoSearch(search: () => void, busy: boolean, stop: boolean) {
  const [round, setRound] = useState(0);
  const latest = useRef(search);
  latest.current = search;
  useEffect(() => {
    const wait = AUTO_SEARCH_WAITS_MS[round];
    if (stop || busy || wait === undefined) return;
    const timer = setTimeout(() => {
      setRound((value) => value + 1);
      latest.current();
    }, wait);
    return () => clearTimeout(timer);
  }, [round, busy, stop]);
  return AUTO_SEARCH_WAITS_MS.length - round;
}

export function AliasCodeForm({
  mailbox,
  pending,
  onVerified,
  onCancel,
}: {
  mailbox: Mailbox;
  pending: PendingAlias;
  onVerified: () => void;
  onCancel: () => void;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const { confirm, run, notFound, problem } = useConfirmAlias(mailbox, pending, onVerified);
  const typed = confirm.isPending && confirm.variables?.code !== undefined;
  const left = useAutoSearch(() => run(), confirm.isPending, code.length > 0 || Boolean(problem));

  function submit(event: FormEvent) {
    event.preventDefault();
    const value = code.replace(/\s/g, '');
    const next = /^\d{6}$/.test(value) ? undefined : 'Enter the 6 digits of the code.';
    setError(next);
    if (!next) run(value);
  }

  return (
    <div
      className="space-y-3 rounded-lg border border-indigo-100 bg-indigo-50/40 px-4 py-3"
      data-testid="alias-pending"
    >
      <p className="text-sm text-slate-700">
        Postern sent a message with a 6-digit code from{' '}
        <span className="font-medium text-slate-900">{pending.address}</span> to{' '}
        <span className="font-medium text-slate-900">{mailbox.email}</span>. It looks for it in the inbox on
        its own; you can also type the code. It expires at {formatDateTime(pending.expiresAt)}.
      </p>
      {confirm.isPending && !typed ? <Searching label="Looking for the code in the inbox…" /> : null}
      {notFound && !confirm.isPending ? (
        <p className="text-sm text-slate-600" data-testid="alias-not-found">
          Not found yet{left > 0 ? '; Postern looks again in a moment' : ''}. Check the spam folder too, or
          type the code.
        </p>
      ) : null}
      <ProblemAlert problem={problem} testId="alias-confirm-error" />
      <form noValidate onSubmit={submit} className="space-y-3" data-testid="alias-code-form">
        <Field
          label="Verification code"
          testId="alias-code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          value={code}
          onChange={(event) => {
            setCode(event.target.value);
            if (confirm.isError) confirm.reset();
          }}
          error={error}
        />
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-between">
          <Button
            variant="ghost"
            onClick={() => run()}
            disabled={confirm.isPending}
            data-testid="alias-look-again"
          >
            Look in the inbox again
          </Button>
          <FormActions label="Verify" busy={typed} testId="alias-verify" onCancel={onCancel} />
        </div>
      </form>
    </div>
  );
}
