// One email account: its status (and why), connection (test, replace credentials), sender identity,
// from address (alias proof), sender authentication, and disconnect. Viewers see name and status only.
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Notice } from '../../components/alert.tsx';
import { buttonClass } from '../../components/button.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { ArrowLeftIcon, InboxIcon } from '../../components/icons.tsx';
import { PageSkeleton, Skeleton } from '../../components/skeleton.tsx';
import { StatePanel } from '../../components/state-panel.tsx';
import { errorCode } from '../../lib/api-errors.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { AliasCard } from './alias-card.tsx';
import { ConnectionCard } from './connection-card.tsx';
import { DisconnectCard } from './disconnect-card.tsx';
import { IdentityCard } from './identity-card.tsx';
import {
  oauthProviderOf,
  PROVIDER_LABEL,
  revocationText,
  STATUS_STYLE,
  statusReason,
} from './mailbox-model.ts';
import { isMailboxId, mailboxesPath } from './mailbox-paths.ts';
import { MailboxStatusBadge } from './mailbox-status.tsx';
import { OAuthReconnectButton } from './oauth-connect.tsx';
import { AccountPageLink } from './oauth-details.tsx';
import { SenderAuthCard } from './sender-auth-card.tsx';
import { type Mailbox, useMailboxQuery } from './use-mailboxes.ts';

function BackLink({ workspaceId }: { workspaceId: string }) {
  return (
    <Link
      to={mailboxesPath(workspaceId)}
      className="inline-flex items-center gap-1.5 text-sm font-medium text-slate-500 hover:text-slate-800"
      data-testid="back-to-mailboxes"
    >
      <ArrowLeftIcon className="size-4" />
      All email accounts
    </Link>
  );
}

function MailboxNotFound({ workspaceId }: { workspaceId: string }) {
  return (
    <StatePanel
      icon={InboxIcon}
      tone="neutral"
      heading="h1"
      title="Email account not found"
      testId="mailbox-not-found"
      className="mx-auto mt-8 max-w-lg"
      action={
        <Link to={mailboxesPath(workspaceId)} className={buttonClass('secondary')}>
          See the email accounts
        </Link>
      }
    >
      It belongs to another workspace, or the link is wrong.
    </StatePanel>
  );
}

function MailboxSkeleton() {
  return (
    <PageSkeleton label="Loading the email account…" testId="mailbox-loading">
      <Skeleton className="h-8 w-80" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-72" />
        <Skeleton className="h-72" />
      </div>
    </PageSkeleton>
  );
}

export function MailboxPage() {
  const { workspace } = useCurrentWorkspace();
  const { mailboxId } = useParams();
  if (!isMailboxId(mailboxId)) return <MailboxNotFound workspaceId={workspace.id} />;
  return <MailboxView key={mailboxId} mailboxId={mailboxId} />;
}

function MailboxView({ mailboxId }: { mailboxId: string }) {
  const { workspace } = useCurrentWorkspace();
  const mailbox = useMailboxQuery(workspace.id, mailboxId);
  useDocumentTitle(
    mailbox.data
      ? `${mailbox.data.email} · Email accounts · ${workspace.name}`
      : `Email accounts · ${workspace.name}`,
  );
  if (mailbox.isPending) return <MailboxSkeleton />;
  if (errorCode(mailbox.error) === 'NOT_FOUND') return <MailboxNotFound workspaceId={workspace.id} />;
  if (mailbox.isError && !mailbox.data) {
    return (
      <div className="space-y-6">
        <BackLink workspaceId={workspace.id} />
        <LoadError title="Could not load the email account" query={mailbox} testId="mailbox-error" />
      </div>
    );
  }
  return <MailboxDetails mailbox={mailbox.data} />;
}

function Header({ mailbox }: { mailbox: Mailbox }) {
  return (
    <div className="border-b border-slate-200 pb-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1
          className="min-w-0 text-2xl font-semibold tracking-tight [overflow-wrap:anywhere] text-slate-900"
          data-testid="mailbox-title"
        >
          {mailbox.email}
        </h1>
        <MailboxStatusBadge mailbox={mailbox} testId="mailbox-status" />
      </div>
      <p className="mt-1 text-sm text-slate-500">
        {mailbox.label ? `${mailbox.label} · ` : ''}
        {PROVIDER_LABEL[mailbox.provider]}
      </p>
    </div>
  );
}

function StatusAlert({ mailbox, canManage = false }: { mailbox: Mailbox; canManage?: boolean }) {
  const { workspace } = useCurrentWorkspace();
  const reason = statusReason(mailbox);
  if (!reason) return null;
  const provider = oauthProviderOf(mailbox.provider);
  return (
    <Alert
      tone={mailbox.status === 'disconnected' ? 'info' : 'warning'}
      title={`This account is ${STATUS_STYLE[mailbox.status].label.toLowerCase()}`}
      testId="mailbox-status-alert"
    >
      {reason}
      {canManage && provider && mailbox.status === 'reconnect_required' ? (
        <div className="mt-2">
          <OAuthReconnectButton workspaceId={workspace.id} provider={provider} />
        </div>
      ) : null}
    </Alert>
  );
}

function MailboxDetails({ mailbox }: { mailbox: Mailbox }) {
  const { workspace, can } = useCurrentWorkspace();
  const [notice, setNotice] = useState<ReactNode>();
  if (!can('mailboxes.send')) {
    return (
      <div className="space-y-6" data-testid="mailbox-page" data-mailbox-id={mailbox.id}>
        <BackLink workspaceId={workspace.id} />
        <Header mailbox={mailbox} />
        <StatusAlert mailbox={mailbox} />
        <p className="text-sm text-slate-600" data-testid="mailbox-viewer-note">
          Viewers see the name and status of email accounts; owners, admins and members see their settings.
        </p>
      </div>
    );
  }
  const canManage = can('mailboxes.manage');
  return (
    <div className="space-y-6" data-testid="mailbox-page" data-mailbox-id={mailbox.id}>
      <BackLink workspaceId={workspace.id} />
      <Header mailbox={mailbox} />
      <Notice testId="mailbox-notice">{notice}</Notice>
      <StatusAlert mailbox={mailbox} canManage={canManage} />
      {canManage ? null : (
        <p className="text-sm text-slate-600" data-testid="mailbox-member-note">
          You can test this account and check its sender authentication; only owners and admins change or
          disconnect it.
        </p>
      )}
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <ConnectionCard mailbox={mailbox} />
        <IdentityCard mailbox={mailbox} />
      </div>
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <SenderAuthCard mailbox={mailbox} />
        <AliasCard mailbox={mailbox} />
      </div>
      {canManage && mailbox.status !== 'disconnected' ? (
        <DisconnectCard
          mailbox={mailbox}
          onDisconnected={(disconnected) => setNotice(disconnectedNotice(disconnected))}
        />
      ) : null}
    </div>
  );
}

/** What disconnecting did: the password deleted, or (OAuth) the grant revoked at the provider or not. */
function disconnectedNotice(mailbox: Mailbox): ReactNode {
  const provider = oauthProviderOf(mailbox.provider);
  if (!provider || !mailbox.oauth)
    return `${mailbox.email} is disconnected: its password was deleted and nothing is sent through it.`;
  return (
    <span data-testid="disconnect-revocation" data-revocation={mailbox.oauth.revocation ?? 'none'}>
      {mailbox.email} is disconnected and nothing is sent through it.{' '}
      {revocationText(mailbox.oauth.revocation)}{' '}
      <AccountPageLink url={mailbox.oauth.accountPageUrl} provider={provider} />
    </span>
  );
}
