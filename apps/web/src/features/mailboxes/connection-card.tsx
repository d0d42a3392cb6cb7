// A mailbox's connection: its servers and user name (never the password), who connected it, the last
// test; "Test connection" signs in to both servers again and says how each answered; owners and admins
// replace the credentials (tested before they are stored). An OAuth mailbox has no credentials to
// replace (the server refuses it): it shows its grant instead, and reconnects through the provider.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { DetailRow } from '../../components/detail-row.tsx';
import { KeyIcon, RefreshIcon } from '../../components/icons.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useNow } from '../../lib/use-now.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { TestingProgress } from './credential-form.tsx';
import { failureText, oauthProviderOf, PROTOCOL_LABEL, SECURITY_LABEL } from './mailbox-model.ts';
import { LastTest } from './mailbox-status.tsx';
import { OAuthReconnectButton } from './oauth-connect.tsx';
import { OAuthAccessRows } from './oauth-details.tsx';
import { ReplaceCredentialsDialog } from './replace-credentials-dialog.tsx';
import { type Mailbox, type MailboxTestResult, useMailboxChange } from './use-mailboxes.ts';

type Side = MailboxTestResult['smtp'];

function SideResult({ protocol, side }: { protocol: 'smtp' | 'imap'; side: Side | null }) {
  const name = PROTOCOL_LABEL[protocol];
  const text = !side
    ? `${name}: not tried, since SMTP failed first.`
    : side.ok
      ? `${name}: signed in${side.ms === null ? '' : ` in ${side.ms} ms`}.`
      : side.failure
        ? failureText(side.failure)
        : `${name}: failed.`;
  return (
    <li data-testid={`test-${protocol}`} data-ok={side?.ok ?? 'skipped'}>
      {text}
    </li>
  );
}

function TestResult({ result }: { result: MailboxTestResult }) {
  return (
    <Alert
      tone={result.ok ? 'success' : 'error'}
      title={result.ok ? 'Both connections work' : 'The connection test failed'}
      testId="test-result"
    >
      <ul className="space-y-0.5">
        <SideResult protocol="smtp" side={result.smtp} />
        <SideResult protocol="imap" side={result.imap} />
      </ul>
      {result.ok ? null : (
        <p className="mt-1">
          Sending through this account is paused until a test passes. Check the details below.
        </p>
      )}
    </Alert>
  );
}

function Endpoint({ endpoint }: { endpoint: Mailbox['imap'] }) {
  return (
    <span className="font-mono text-xs [overflow-wrap:anywhere]">
      {endpoint.host}:{endpoint.port}{' '}
      <span className="font-sans text-slate-500">({SECURITY_LABEL[endpoint.security]})</span>
    </span>
  );
}

function useConnectionTest() {
  const { trpc, updated, refusal } = useMailboxChange('test');
  const [result, setResult] = useState<MailboxTestResult>();
  const test = useMutation(
    trpc.mailboxes.test.mutationOptions({
      onMutate: () => setResult(undefined),
      onSuccess: (answer) => {
        setResult(answer);
        void updated(answer.mailbox);
      },
      onError: refusal.onError,
    }),
  );
  return { test, result, problem: refusal.problem(test) };
}

export function ConnectionCard({ mailbox }: { mailbox: Mailbox }) {
  const { workspace, can } = useCurrentWorkspace();
  const now = useNow(30_000);
  const { test, result, problem } = useConnectionTest();
  const [replacing, setReplacing] = useState(false);
  const disconnected = mailbox.status === 'disconnected';
  const canManage = can('mailboxes.manage');
  const provider = oauthProviderOf(mailbox.provider);

  const testButton = can('mailboxes.send') ? (
    <Button
      variant="secondary"
      loading={test.isPending}
      disabled={disconnected}
      title={
        disconnected
          ? provider
            ? 'Its grant was deleted: reconnect it first'
            : 'Its password was deleted: enter the credentials again first'
          : undefined
      }
      onClick={() => test.mutate({ workspaceId: workspace.id, mailboxId: mailbox.id })}
      data-testid="test-connection"
    >
      {test.isPending ? null : <RefreshIcon className="size-4 text-slate-500" />}
      Test connection
    </Button>
  ) : null;

  return (
    <Card
      id="connection"
      testId="connection-card"
      title="Connection"
      description={
        provider
          ? 'Where Postern signs in, with the provider’s grant (XOAUTH2). No token is ever shown.'
          : 'Where Postern signs in. The password is sealed and never shown.'
      }
      actions={testButton}
    >
      <div className="space-y-4">
        {test.isPending ? <TestingProgress testId="test-progress" /> : null}
        {result ? <TestResult result={result} /> : null}
        <ProblemAlert problem={problem} testId="test-error" />
        <dl className="divide-y divide-slate-100">
          <DetailRow label="Outgoing (SMTP)" testId="smtp-endpoint">
            <Endpoint endpoint={mailbox.smtp} />
          </DetailRow>
          <DetailRow label="Incoming (IMAP)" testId="imap-endpoint">
            <Endpoint endpoint={mailbox.imap} />
          </DetailRow>
          <DetailRow label="Username" testId="mailbox-username-shown">
            <span className="[overflow-wrap:anywhere]">{mailbox.username}</span>
          </DetailRow>
          {provider ? (
            <OAuthAccessRows mailbox={mailbox} provider={provider} workspaceId={workspace.id} />
          ) : null}
          <DetailRow label="Last test" testId="detail-last-test">
            <LastTest lastTest={mailbox.lastTest} now={now} />
            {mailbox.lastTest?.failure ? (
              <p className="mt-1 text-xs text-rose-700">{failureText(mailbox.lastTest.failure)}</p>
            ) : null}
          </DetailRow>
          <DetailRow label="Connected">
            {formatDateTime(mailbox.createdAt)} by {mailbox.createdBy ?? 'a former member'}
          </DetailRow>
        </dl>
        {canManage && provider && mailbox.status !== 'connected' && mailbox.status !== 'failing' ? (
          <div className="flex flex-col gap-3 border-t border-slate-100 pt-4 sm:flex-row sm:items-center sm:justify-between">
            <p className="text-xs text-slate-500">
              Sign in to {mailbox.email} at the provider again to reconnect this account.
            </p>
            <OAuthReconnectButton workspaceId={workspace.id} provider={provider} />
          </div>
        ) : null}
        {canManage && !provider ? (
          <div className="flex flex-col gap-3 border-t border-slate-100 pt-4 sm:flex-row sm:items-center sm:justify-between">
            <p className="text-xs text-slate-500">
              {disconnected
                ? 'Enter the credentials again to reconnect this account.'
                : 'Changed the password or created a new app password? Replace it here.'}
            </p>
            <Button variant="secondary" onClick={() => setReplacing(true)} data-testid="replace-credentials">
              <KeyIcon className="size-4 text-slate-500" />
              {disconnected ? 'Reconnect' : 'Replace credentials'}
            </Button>
          </div>
        ) : null}
      </div>
      {canManage && !provider ? (
        <ReplaceCredentialsDialog mailbox={mailbox} open={replacing} onClose={() => setReplacing(false)} />
      ) : null}
    </Card>
  );
}
