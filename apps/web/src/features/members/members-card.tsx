// The members of the workspace: role (changed in place by those who may), joined, remove.
import type { Role } from '@postern/contracts/constants';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Card } from '../../components/card.tsx';
import { RowConfirmAction } from '../../components/confirm-action.tsx';
import { afterRowAction } from '../../components/list-kit/after-row-action.ts';
import { DataTable } from '../../components/list-kit/data-table.tsx';
import { QueryState } from '../../components/list-kit/query-state.tsx';
import { ListNotice, RowButton } from '../../components/list-kit/row-button.tsx';
import { rowMutation, useRowConfirm } from '../../components/list-kit/use-row-confirm.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { type ActionProblem, workspaceActionError } from '../workspaces/action-errors.ts';
import { canRemove, ROLE_LABELS, ROLE_ORDER } from '../workspaces/permissions.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { memberColumns } from './member-columns.tsx';
import { usePromotionConfirm } from './promote-dialog.tsx';
import { type Member, useInvalidateMembers, useMembersQuery } from './use-members.ts';

/** This user first, then owners, admins…, then by joining date (the server's order). */
export function sortMembers(members: readonly Member[]): Member[] {
  return [...members].sort((a, b) => {
    if (a.you !== b.you) return a.you ? -1 : 1;
    return ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role);
  });
}

/** Changing a member's role and removing one (after a confirmation), with what happened. */
function useMemberActions(workspaceId: string, members: ReturnType<typeof useMembersQuery>) {
  const trpc = useTRPC();
  const invalidateMembers = useInvalidateMembers(workspaceId);
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const [problem, setProblem] = useState<ActionProblem>();
  const confirm = useRowConfirm<Member>();
  const onFailure = (action: 'changeRole' | 'remove') => (error: unknown) => {
    const found = workspaceActionError(error, action);
    if (found.staleRole) void invalidateWorkspaces();
    void invalidateMembers();
    return found;
  };
  const changeRole = useMutation(
    trpc.members.changeRole.mutationOptions({
      onMutate: () => {
        setProblem(undefined);
        confirm.setNotice(undefined);
      },
      onSuccess: async (_result, variables) => {
        const member = members.data?.members.find((candidate) => candidate.id === variables.memberId);
        await invalidateMembers();
        if (member?.you) await invalidateWorkspaces();
        confirm.setNotice(
          member
            ? `${member.you ? 'You are' : `${member.email} is`} now ${ROLE_LABELS[variables.role].toLowerCase()}.`
            : 'Role updated.',
        );
      },
      onError: (error) => setProblem(onFailure('changeRole')(error)),
    }),
  );
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: afterRowAction(confirm, invalidateMembers, (member) =>
        member ? `${member.email} was removed from the workspace.` : 'The member was removed.',
      ),
      onError: (error) => {
        onFailure('remove')(error);
      },
    }),
  );
  return { changeRole, remove, problem, confirm };
}

export function MembersCard({ workspaceId, myRole }: { workspaceId: string; myRole: Role }) {
  const now = useNow(60_000);
  const members = useMembersQuery(workspaceId);
  const { changeRole, remove, problem, confirm } = useMemberActions(workspaceId, members);
  const promotion = usePromotionConfirm(
    (member, role) => changeRole.mutate({ workspaceId, memberId: member.id, role }),
    changeRole.isPending,
  );
  const { notice } = confirm;
  const list = members.data ? sortMembers(members.data.members) : [];
  const owners = list.filter((member) => member.role === 'owner').length;
  const removeRow = rowMutation(
    confirm,
    remove,
    remove.isError ? workspaceActionError(remove.error, 'remove') : undefined,
    {
      testId: 'remove-member-dialog',
      title: 'Remove this member?',
      confirmLabel: 'Remove member',
    },
  );
  const body = (
    <DataTable
      rows={list}
      columns={memberColumns({ myRole, owners, now, changeRole, requestRole: promotion.request })}
      caption="Members of the workspace"
      testId="members-table"
      rowData={(member) => ({ 'data-email': member.email, 'data-you': member.you })}
      rowClassName={(member) => member.you && 'bg-indigo-50/30'}
      actions={(member) =>
        !member.you && canRemove(myRole, member.role) ? (
          <RowButton
            testId="remove-member"
            label={`Remove ${member.email}`}
            onClick={() => removeRow.ask(member)}
          >
            Remove
          </RowButton>
        ) : null
      }
    />
  );

  return (
    <Card
      id="members"
      testId="members-card"
      bodyClassName="pb-1"
      title="Members"
      description={
        members.data
          ? `${members.data.members.length} ${members.data.members.length === 1 ? 'person has' : 'people have'} access to this workspace.`
          : 'People with access to this workspace.'
      }
    >
      <ListNotice testId="members-notice">{notice}</ListNotice>
      {problem ? (
        <ListNotice tone="error" title={problem.title} testId="members-problem">
          {problem.message}
        </ListNotice>
      ) : null}
      <QueryState
        query={members}
        what="the members"
        testId="members"
        skeleton={{ cells: ['size-9 rounded-full', 'h-4 w-56', 'ml-auto h-8 w-28'] }}
      >
        {body}
      </QueryState>
      <RowConfirmAction
        {...removeRow.dialog}
        onConfirm={(member) => remove.mutate({ workspaceId, memberId: member.id })}
      >
        {(member) => (
          <p>
            <span className="font-medium text-slate-900">{member.email}</span> loses access to this workspace
            at once. You can invite them again later.
          </p>
        )}
      </RowConfirmAction>
      {promotion.dialog}
    </Card>
  );
}
