// Invitations sent and not yet answered; managers can revoke them (the link then stops working).
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { MailIcon } from '../../components/icons.tsx';
import { formatDateTime, formatRelative, formatUntil } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { RoleBadge } from './members-card.tsx';
import { type PendingInvitation, useInvalidateMembers, useMembersQuery } from './use-members.ts';

export function InvitationsCard({ workspaceId, canManage }: { workspaceId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const now = useNow(60_000);
  const members = useMembersQuery(workspaceId);
  const invalidateMembers = useInvalidateMembers(workspaceId);
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const [revoking, setRevoking] = useState<PendingInvitation>();
  const [notice, setNotice] = useState<string>();

  const revoke = useMutation(
    trpc.members.revokeInvitation.mutationOptions({
      onSuccess: async () => {
        const email = revoking?.email;
        setRevoking(undefined);
        await invalidateMembers();
        setNotice(email ? `The invitation to ${email} was revoked.` : 'The invitation was revoked.');
      },
      onError: (error) => {
        if (workspaceActionError(error, 'revokeInvitation').staleRole) void invalidateWorkspaces();
        void invalidateMembers();
      },
    }),
  );

  // The members card shows loading and errors for the shared query.
  if (!members.data) return null;
  const invitations = members.data.invitations;
  const problem = revoke.isError ? workspaceActionError(revoke.error, 'revokeInvitation') : undefined;

  return (
    <Card
      id="invitations"
      testId="invitations-card"
      bodyClassName="pb-1"
      title="Pending invitations"
      description="Sent and not answered yet. Invitations expire after 7 days."
    >
      {notice ? (
        <Alert tone="success" testId="invitations-notice" className="mx-5 mt-5 mb-4 sm:mx-6">
          {notice}
        </Alert>
      ) : null}
      {invitations.length === 0 ? (
        <div
          data-testid="invitations-empty"
          className="flex items-center gap-3 px-5 py-6 text-sm text-slate-500 sm:px-6"
        >
          <MailIcon className="size-5 text-slate-400" />
          No pending invitations.
        </div>
      ) : (
        <div className="relative overflow-x-auto">
          <table data-testid="invitations-table" className="w-full text-left text-sm">
            <caption className="sr-only">Pending invitations</caption>
            <thead className="border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2.5 font-medium sm:px-6">
                  Email
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Role
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
                  Invited by
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
                  Expires
                </th>
                <th scope="col" className="px-5 py-2.5 text-right font-medium sm:px-6">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {invitations.map((invitation) => (
                <tr key={invitation.id} data-testid="invitation-row" data-email={invitation.email}>
                  <td className="px-5 py-3 sm:px-6">
                    <span className="font-medium break-all text-slate-900">{invitation.email}</span>
                    <p className="text-xs text-slate-500">
                      Sent{' '}
                      <time dateTime={invitation.createdAt} title={formatDateTime(invitation.createdAt)}>
                        {formatRelative(Date.parse(invitation.createdAt), now)}
                      </time>
                    </p>
                  </td>
                  <td className="px-3 py-3">
                    <RoleBadge role={invitation.role} />
                  </td>
                  <td className="hidden px-3 py-3 text-slate-600 md:table-cell">
                    {invitation.invitedBy ?? <span className="text-slate-400">Unknown</span>}
                  </td>
                  <td className="hidden px-3 py-3 whitespace-nowrap text-slate-600 sm:table-cell">
                    <time dateTime={invitation.expiresAt} title={formatDateTime(invitation.expiresAt)}>
                      {formatUntil(Date.parse(invitation.expiresAt), now)}
                    </time>
                  </td>
                  <td className="px-5 py-3 text-right sm:px-6">
                    {canManage ? (
                      <Button
                        variant="secondary"
                        className="px-2.5 py-1.5 text-xs"
                        data-testid="revoke-invitation"
                        aria-label={`Revoke the invitation to ${invitation.email}`}
                        onClick={() => {
                          revoke.reset();
                          setNotice(undefined);
                          setRevoking(invitation);
                        }}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={revoking !== undefined}
        testId="revoke-invitation-dialog"
        title="Revoke this invitation?"
        confirmLabel="Revoke invitation"
        busy={revoke.isPending}
        error={problem ? `${problem.title}. ${problem.message}` : undefined}
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => revoking && revoke.mutate({ workspaceId, invitationId: revoking.id })}
      >
        {revoking ? (
          <p>
            The link sent to <span className="font-medium text-slate-900">{revoking.email}</span> will stop
            working.
          </p>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}
