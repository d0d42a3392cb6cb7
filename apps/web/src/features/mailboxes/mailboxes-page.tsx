// Settings → Email accounts: the mailboxes the workspace sends through, with their status, daily cap,
// last connection test and sender authentication; owners and admins connect one (IMAP/SMTP, tested
// before anything is stored, or Gmail/Outlook through the provider's sign-in: oauth-connect.tsx). Members see everything but cannot connect; viewers see names and status.
import { MAILBOX_LIMITS } from '@postern/contracts';
import type { ReactNode } from 'react';
import { Alert, Notice } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { useDialogOpener } from '../../components/dialog.tsx';
import { InboxIcon, PlusIcon } from '../../components/icons.tsx';
import type { EmptyWords } from '../../components/list-kit/list-state.tsx';
import { ListTable } from '../../components/list-kit/list-table.tsx';
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNow } from '../../lib/use-now.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { ConnectDialog } from './connect-dialog.tsx';
import { mailboxColumns } from './mailbox-columns.tsx';
import { OAuthConnectButtons, OAuthReturnNotice, OAuthSetupNotes, useOAuthStart } from './oauth-connect.tsx';
import { type Mailbox, useMailboxesQuery } from './use-mailboxes.ts';

const MANAGERS_ONLY = 'Only owners and admins connect and disconnect email accounts.';

/** What the empty list says: why mailboxes, and the ways to connect one (or whom to ask). */
function noMailboxes(connectButton: ReactNode): EmptyWords {
  return {
    accent: true,
    icon: InboxIcon,
    title: 'No email accounts connected yet',
    action: connectButton ?? (
      <p className="text-slate-500">{MANAGERS_ONLY} Ask one of them to connect yours.</p>
    ),
    children:
      "Campaigns are sent through your team's own mailboxes, so messages come from a real address people can reply to. Connect one with its IMAP and SMTP details, or sign in with Gmail or Outlook where the server is set up for it: Postern tests both servers before storing anything, keeps each account under its daily cap and warm-up, and checks the domain's SPF, DKIM and DMARC.",
  };
}

const SKELETON = ['h-4 w-56', 'h-4 w-20', 'h-5 w-24 rounded-full', 'ml-auto h-4 w-24'];

function connectedNotice(mailbox: Mailbox): string {
  return `${mailbox.email} is connected: Postern signed in to its SMTP and IMAP servers.`;
}

export function MailboxesPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Email accounts · ${workspace.name}`);
  const mailboxes = useMailboxesQuery(workspace.id);
  const now = useNow(30_000);
  const connecting = useDialogOpener();
  const canManage = can('mailboxes.manage');
  const full = can('mailboxes.send');
  const list = mailboxes.data?.mailboxes ?? [];
  const atLimit = list.length >= MAILBOX_LIMITS.perWorkspace;
  const oauth = useOAuthStart();

  const connectButton = canManage ? (
    <div className="flex flex-wrap items-center justify-center gap-2">
      <OAuthConnectButtons
        workspaceId={workspace.id}
        disabled={atLimit || !mailboxes.data}
        start={oauth.start}
      />
      <Button onClick={connecting.show} disabled={atLimit || !mailboxes.data} data-testid="connect-mailbox">
        <PlusIcon className="size-4" />
        Connect with IMAP/SMTP
      </Button>
    </div>
  ) : null;

  return (
    <Page
      testId="mailboxes-page"
      title="Email accounts"
      description={
        <>
          The mailboxes <span className="font-medium text-slate-700">{workspace.name}</span> sends from.
          Passwords are sealed and never shown again.
        </>
      }
    >
      <OAuthReturnNotice onReturned={() => void mailboxes.refetch()} />
      <Notice testId="mailboxes-notice">{connecting.notice}</Notice>
      {canManage ? <OAuthSetupNotes workspaceId={workspace.id} problem={oauth.problem} /> : null}
      <Card
        id="mailboxes"
        testId="mailboxes-card"
        bodyClassName="p-0"
        title="Connected accounts"
        description={
          list.length > 0 && !canManage
            ? MANAGERS_ONLY
            : 'Each account sends under its own daily cap; a failing one is paused until it passes a test.'
        }
        actions={list.length > 0 ? connectButton : undefined}
      >
        {atLimit && canManage ? (
          <Alert tone="info" className="mx-5 mt-5 sm:mx-6">
            This workspace has the most email accounts allowed ({MAILBOX_LIMITS.perWorkspace}).
          </Alert>
        ) : null}
        <ListTable
          state={{
            query: mailboxes,
            name: 'mailboxes',
            what: 'the email accounts',
            skeleton: { rows: 2, cells: SKELETON },
            empty: noMailboxes(connectButton),
          }}
          rows={list}
          columns={mailboxColumns({ workspaceId: workspace.id, now, full, canManage })}
          caption="Email accounts of the workspace"
          rowTestId="mailbox-row"
          rowData={(mailbox) => ({ 'data-email': mailbox.email, 'data-status': mailbox.status })}
          rowClassName={(mailbox) => mailbox.status === 'disconnected' && 'text-slate-500'}
        />
      </Card>
      {canManage ? (
        <ConnectDialog
          {...connecting.dialog}
          workspaceId={workspace.id}
          onConnected={(mailbox) => {
            connecting.setNotice(connectedNotice(mailbox));
            void mailboxes.refetch();
          }}
        />
      ) : null}
    </Page>
  );
}
