// Invitations sent and not yet answered; managers can revoke them (the link then stops working).
import { useMutation } from '@tanstack/react-query';
import { Card } from '../../components/card.tsx';
import { RowConfirmAction } from '../../components/confirm-action.tsx';
import { MailIcon } from '../../components/icons.tsx';
import { afterRowAction } from '../../components/list-kit/after-row-action.ts';
import { DataTable } from '../../components/list-kit/data-table.tsx';
import { ListNotice, RowButton } from '../../components/list-kit/row-button.tsx';
import { rowMutation, useRowConfirm } from '../../components/list-kit/use-row-confirm.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { invitationColumns } from './invitation-columns.tsx';
import { type PendingInvitation, useInvalidateMembers, useMembersQuery } from './use-members.ts';

export function InvitationsCard({ workspaceId, canManage }: { workspaceId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const now = useNow(60_000);
  const members = useMembersQuery(workspaceId);
  const invalidateMembers = useInvalidateMembers(workspaceId);
  const refusal = useRefusal((error) => workspaceActionError(error, 'revokeInvitation'));
  const confirm = useRowConfirm<PendingInvitation>();
  const { notice } = confirm;

  const revoke = useMutation(
    trpc.members.revokeInvitation.mutationOptions({
      onSuccess: afterRowAction(confirm, invalidateMembers, (row) =>
        row ? `The invitation to ${row.email} was revoked.` : 'The invitation was revoked.',
      ),
      onError: (error) => {
        refusal.onError(error);
        void invalidateMembers();
      },
    }),
  );

  // The members card shows loading and errors for the shared query.
  if (!members.data) return null;
  const invitations = members.data.invitations;
  const revokeRow = rowMutation(confirm, revoke, refusal.problem(revoke), {
    testId: 'revoke-invitation-dialog',
    title: 'Revoke this invitation?',
    confirmLabel: 'Revoke invitation',
  });

  return (
    <Card
      id="invitations"
      testId="invitations-card"
      bodyClassName="pb-1"
      title="Pending invitations"
      description="Sent and not answered yet. Invitations expire after 7 days."
    >
      <ListNotice testId="invitations-notice">{notice}</ListNotice>
      {invitations.length === 0 ? (
        <div
          data-testid="invitations-empty"
          className="flex items-center gap-3 px-5 py-6 text-sm text-slate-500 sm:px-6"
        >
          <MailIcon className="size-5 text-slate-500" />
          No pending invitations.
        </div>
      ) : (
        <DataTable
          rows={invitations}
          columns={invitationColumns(now)}
          caption="Pending invitations"
          testId="invitations-table"
          rowData={(invitation) => ({ 'data-email': invitation.email })}
          actions={(invitation) =>
            canManage ? (
              <RowButton
                testId="revoke-invitation"
                label={`Revoke the invitation to ${invitation.email}`}
                onClick={() => revokeRow.ask(invitation)}
              >
                Revoke
              </RowButton>
            ) : null
          }
        />
      )}
      <RowConfirmAction
        {...revokeRow.dialog}
        onConfirm={(invitation) => revoke.mutate({ workspaceId, invitationId: invitation.id })}
      >
        {(invitation) => (
          <p>
            The link sent to <span className="font-medium text-slate-900">{invitation.email}</span> will stop
            working.
          </p>
        )}
      </RowConfirmAction>
    </Card>
  );
}
