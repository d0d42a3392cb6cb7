// One email account: its status (and why), connection (test, replace credentials), sender identity,
// from address (alias proof), sender authentication, and disconnect. Viewers see name and status only.
import { type ReactNode, useState } from 'react';
import { Alert, Notice } from '../../components/alert.tsx';
import { InboxIcon } from '../../components/icons.tsx';
import { BackLink, ItemHeader, ItemNotFound, ItemRoute, ItemState } from '../../components/item-page.tsx';
import { pageTitle, useDocumentTitle } from '../../lib/use-document-title.ts';
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

const backToMailboxes = (workspaceId: string) => (
  <BackLink to={mailboxesPath(workspaceId)} testId="back-to-mailboxes">
    All email accounts
  </BackLink>
);

const NOT_FOUND = { icon: InboxIcon, title: 'Email account not found', testId: 'mailbox-not-found' } as const;
function MailboxNotFound() {
  const { workspace } = useCurrentWorkspace();
  return (
    <ItemNotFound
      {...NOT_FOUND}
      listPath={mailboxesPath(workspace.id)}
      listLabel="See the email accounts"
      reason="It belongs to another workspace, or the link is wrong."
    />
  );
}

export function MailboxPage() {
  return <ItemRoute param="mailboxId" isId={isMailboxId} notFound={<MailboxNotFound />} view={MailboxView} />;
}

function MailboxView({ id: mailboxId }: { id: string }) {
  const { workspace } = useCurrentWorkspace();
  const mailbox = useMailboxQuery(workspace.id, mailboxId);
  useDocumentTitle(pageTitle(mailbox.data?.email, 'Email accounts', workspace.name));
  return (
    <ItemState
      query={mailbox}
      name="mailbox"
      what="the email account"
      notFound={<MailboxNotFound />}
      back={backToMailboxes(workspace.id)}
    >
      {(shown) => <MailboxDetails mailbox={shown} />}
    </ItemState>
  );
}

function Header({ mailbox }: { mailbox: Mailbox }) {
  return (
    <ItemHeader
      title={mailbox.email}
      titleTestId="mailbox-title"
      badge={<MailboxStatusBadge mailbox={mailbox} testId="mailbox-status" />}
      description={`${mailbox.label ? `${mailbox.label} · ` : ''}${PROVIDER_LABEL[mailbox.provider]}`}
    />
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
        {backToMailboxes(workspace.id)}
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
      {backToMailboxes(workspace.id)}
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
