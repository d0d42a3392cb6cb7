// The from address: the mailbox's own, or an alias proven by a one-time code that Postern sends from
// the alias through the mailbox's SMTP to the mailbox itself. Postern then looks for the code over
// IMAP (a few times, automatically); the person can also type the code they see.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EXACT_INPUT, Field } from '../../components/field.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { AliasCodeForm, type PendingAlias } from './alias-code-form.tsx';
import { emailProblem } from './connect-model.ts';
import { type Mailbox, useMailboxChange } from './use-mailboxes.ts';

function CurrentAddress({ mailbox }: { mailbox: Mailbox }) {
  const alias = mailbox.identity.fromAddress.toLowerCase() !== mailbox.email.toLowerCase();
  return (
    <p className="text-sm text-slate-700" data-testid="from-address">
      Messages are sent from{' '}
      <span className="font-medium text-slate-900 [overflow-wrap:anywhere]">
        {mailbox.identity.fromAddress}
      </span>
      {alias && mailbox.identity.aliasVerifiedAt
        ? `, an alias verified ${formatDateTime(mailbox.identity.aliasVerifiedAt)}.`
        : ', the account’s own address.'}
    </p>
  );
}

function useStartAlias(onStarted: (pending: PendingAlias, verified: boolean) => void) {
  const { trpc, updated, refusal } = useMailboxChange('aliasStart');
  const start = useMutation(
    trpc.mailboxes.startAliasVerification.mutationOptions({
      onSuccess: (result) => {
        void updated(result.mailbox);
        const { verificationId, address, expiresAt } = result;
        onStarted({ verificationId, address, expiresAt }, result.verified);
      },
      onError: refusal.onError,
    }),
  );
  return { start, problem: refusal.problem(start) };
}

function StartAliasForm({
  mailbox,
  onStarted,
}: {
  mailbox: Mailbox;
  onStarted: (pending: PendingAlias, verified: boolean) => void;
}) {
  const { workspace } = useCurrentWorkspace();
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string>();
  const { start, problem } = useStartAlias(onStarted);

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = emailProblem(address);
    setError(next && 'Enter the alias address, such as sales@example.com.');
    if (next) return;
    start.mutate({ workspaceId: workspace.id, mailboxId: mailbox.id, address: address.trim() });
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-3" data-testid="alias-form">
      <ProblemAlert problem={problem} testId="alias-error" />
      <Field
        label="Send from an alias"
        type="email"
        testId="alias-address"
        {...EXACT_INPUT}
        placeholder="sales@example.com"
        value={address}
        onValue={setAddress}
        error={error}
        hint="An address this mailbox may send as. Postern proves it by sending a code from it to this mailbox."
      />
      <div className="flex justify-end">
        <Button type="submit" variant="secondary" loading={start.isPending} data-testid="alias-send-code">
          Send a code
        </Button>
      </div>
    </form>
  );
}

function UseOwnAddress({ mailbox, onDone }: { mailbox: Mailbox; onDone: () => void }) {
  const { workspace } = useCurrentWorkspace();
  const { trpc, updated, refusal } = useMailboxChange('identity');
  const reset = useMutation(
    trpc.mailboxes.updateIdentity.mutationOptions({
      onSuccess: (mailbox) => {
        void updated(mailbox);
        onDone();
      },
      onError: refusal.onError,
    }),
  );
  return (
    <div className="space-y-2">
      <ProblemAlert problem={refusal.problem(reset)} testId="own-address-error" />
      <Button
        variant="ghost"
        loading={reset.isPending}
        data-testid="use-own-address"
        onClick={() =>
          reset.mutate({ workspaceId: workspace.id, mailboxId: mailbox.id, useOwnAddress: true })
        }
      >
        Send from {mailbox.email} again
      </Button>
    </div>
  );
}

export function AliasCard({ mailbox }: { mailbox: Mailbox }) {
  const { can } = useCurrentWorkspace();
  const canManage = can('mailboxes.manage') && mailbox.status !== 'disconnected';
  const [pending, setPending] = useState<PendingAlias>();
  const [notice, setNotice] = useState<string>();
  const alias = mailbox.identity.fromAddress.toLowerCase() !== mailbox.email.toLowerCase();
  useEffect(() => setPending(undefined), [mailbox.id]);

  const verified = (address: string) => {
    setPending(undefined);
    setNotice(`${address} is verified: messages through this account are now sent from it.`);
  };

  return (
    <Card id="alias" testId="alias-card" title="From address" description="The address recipients see.">
      <div className="space-y-4">
        <CurrentAddress mailbox={mailbox} />
        {notice ? (
          <Alert tone="success" testId="alias-verified">
            {notice}
          </Alert>
        ) : null}
        {canManage && pending ? (
          <AliasCodeForm
            mailbox={mailbox}
            pending={pending}
            onVerified={() => verified(pending.address)}
            onCancel={() => setPending(undefined)}
          />
        ) : null}
        {canManage && !pending ? (
          <StartAliasForm
            mailbox={mailbox}
            onStarted={(next, done) => {
              setNotice(undefined);
              if (done) verified(next.address);
              else setPending(next);
            }}
          />
        ) : null}
        {canManage && alias && !pending ? (
          <UseOwnAddress
            mailbox={mailbox}
            onDone={() => setNotice(`Messages are sent from ${mailbox.email} again.`)}
          />
        ) : null}
      </div>
    </Card>
  );
}
