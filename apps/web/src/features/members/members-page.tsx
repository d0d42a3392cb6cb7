import { useLocation } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { InvitationsCard } from './invitations-card.tsx';
import { InviteCard } from './invite-card.tsx';
import { MembersCard } from './members-card.tsx';

export function MembersPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Members · ${workspace.name}`);
  const canManage = can('members.manage');
  // Handed over by the invitation page after joining.
  const joined = (useLocation().state as { joined?: string } | null)?.joined;
  return (
    <Page
      testId="members-page"
      title="Members"
      description={
        <>
          Who has access to <span className="font-medium text-slate-700">{workspace.name}</span>, and what
          they can do.
        </>
      }
    >
      {joined ? (
        <Alert tone="success" title={`Welcome to ${joined}`} testId="joined-notice">
          You joined the workspace as {workspace.role === 'admin' || workspace.role === 'owner' ? 'an' : 'a'}{' '}
          {workspace.role}.
        </Alert>
      ) : null}
      {canManage ? <InviteCard workspaceId={workspace.id} workspaceName={workspace.name} /> : null}
      <MembersCard workspaceId={workspace.id} myRole={workspace.role} />
      <InvitationsCard workspaceId={workspace.id} canManage={canManage} />
    </Page>
  );
}
