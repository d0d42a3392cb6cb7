// The members of the workspace: role (changed in place by those who may), joined, remove.
import type { Role } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Badge, type BadgeTone } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { Select } from '../../components/select.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { cn } from '../../lib/cn.ts';
import { formatDate, formatDateTime, formatRelative } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { type ActionProblem, workspaceActionError } from '../workspaces/action-errors.ts';
import { assignableRoles, canRemove, ROLE_LABELS, ROLE_ORDER } from '../workspaces/permissions.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { type Member, useInvalidateMembers, useMembersQuery } from './use-members.ts';

export const ROLE_TONES: Record<Role, BadgeTone> = {
  owner: 'violet',
  admin: 'indigo',
  member: 'sky',
  viewer: 'slate',
};

export function RoleBadge({ role, testId }: { role: Role; testId?: string }) {
  return (
    <Badge tone={ROLE_TONES[role]} testId={testId}>
      {ROLE_LABELS[role]}
    </Badge>
  );
}

/** This user first, then owners, admins…, then by joining date (the server's order). */
export function sortMembers(members: readonly Member[]): Member[] {
  return [...members].sort((a, b) => {
    if (a.you !== b.you) return a.you ? -1 : 1;
    return ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role);
  });
}

function MembersSkeleton() {
  return (
    <div data-testid="members-loading" aria-busy="true" className="divide-y divide-slate-100 px-5 sm:px-6">
      <span className="sr-only">Loading members…</span>
      {[0, 1, 2].map((row) => (
        <div key={row} className="flex items-center gap-4 py-3.5">
          <Skeleton className="size-9 rounded-full" />
          <Skeleton className="h-4 w-56" />
          <Skeleton className="ml-auto h-8 w-28" />
        </div>
      ))}
    </div>
  );
}

export function MembersCard({ workspaceId, myRole }: { workspaceId: string; myRole: Role }) {
  const trpc = useTRPC();
  const now = useNow(60_000);
  const members = useMembersQuery(workspaceId);
  const invalidateMembers = useInvalidateMembers(workspaceId);
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const [problem, setProblem] = useState<ActionProblem>();
  const [notice, setNotice] = useState<string>();
  const [removing, setRemoving] = useState<Member>();

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
        setNotice(undefined);
      },
      onSuccess: async (_result, variables) => {
        const member = members.data?.members.find((candidate) => candidate.id === variables.memberId);
        await invalidateMembers();
        if (member?.you) await invalidateWorkspaces();
        setNotice(
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
      onSuccess: async () => {
        const email = removing?.email;
        setRemoving(undefined);
        await invalidateMembers();
        setNotice(email ? `${email} was removed from the workspace.` : 'The member was removed.');
      },
      onError: (error) => {
        onFailure('remove')(error);
      },
    }),
  );

  const list = members.data ? sortMembers(members.data.members) : [];
  const owners = list.filter((member) => member.role === 'owner').length;
  let body: ReactNode;
  if (members.isPending) body = <MembersSkeleton />;
  else if (members.isError && !members.data)
    body = (
      <LoadError
        title="Could not load the members"
        error={members.error}
        onRetry={() => void members.refetch()}
        retrying={members.isFetching}
        testId="members-error"
        className="m-5 sm:m-6"
      />
    );
  else
    body = (
      <div className="relative overflow-x-auto">
        <table data-testid="members-table" className="w-full text-left text-sm">
          <caption className="sr-only">Members of the workspace</caption>
          <thead className="border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500">
            <tr>
              <th scope="col" className="px-5 py-2.5 font-medium sm:px-6">
                Member
              </th>
              <th scope="col" className="px-3 py-2.5 font-medium">
                Role
              </th>
              <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
                Joined
              </th>
              <th scope="col" className="px-5 py-2.5 text-right font-medium sm:px-6">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((member) => {
              // The only owner keeps the role (the server would refuse): a badge says so.
              const soleOwner = member.role === 'owner' && owners === 1;
              const roles = soleOwner ? [] : assignableRoles(myRole, member.role);
              const busy = changeRole.isPending && changeRole.variables?.memberId === member.id;
              return (
                <tr
                  key={member.id}
                  data-testid="member-row"
                  data-email={member.email}
                  data-you={member.you}
                  className={cn(member.you && 'bg-indigo-50/30')}
                >
                  <td className="px-5 py-3 sm:px-6">
                    <div className="flex items-center gap-3">
                      <span
                        aria-hidden="true"
                        className="flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm font-semibold text-slate-600 uppercase"
                      >
                        {member.email.charAt(0)}
                      </span>
                      <div className="min-w-0">
                        <div className="flex flex-wrap items-center gap-2">
                          <span className="font-medium break-all text-slate-900" data-testid="member-email">
                            {member.email}
                          </span>
                          {member.you ? (
                            <Badge tone="indigo" testId="member-you">
                              You
                            </Badge>
                          ) : null}
                        </div>
                        <p className="text-xs text-slate-500 sm:hidden">
                          Joined {formatDate(member.joinedAt)}
                        </p>
                      </div>
                    </div>
                  </td>
                  <td className="px-3 py-3">
                    {roles.length > 1 ? (
                      <div className="flex items-center gap-2">
                        <Select
                          aria-label={`Role of ${member.email}`}
                          data-testid="member-role-select"
                          value={busy ? changeRole.variables?.role : member.role}
                          disabled={changeRole.isPending}
                          onChange={(event) =>
                            changeRole.mutate({
                              workspaceId,
                              memberId: member.id,
                              role: event.target.value as Role,
                            })
                          }
                          wrapperClassName="w-32"
                          className="py-1.5 text-xs"
                        >
                          {roles.map((role) => (
                            <option key={role} value={role}>
                              {ROLE_LABELS[role]}
                            </option>
                          ))}
                        </Select>
                        {busy ? <Spinner className="size-4 text-indigo-600" /> : null}
                      </div>
                    ) : (
                      <span className="flex flex-wrap items-center gap-2">
                        <RoleBadge role={member.role} testId="member-role" />
                        {soleOwner ? <span className="text-xs text-slate-400">Only owner</span> : null}
                      </span>
                    )}
                  </td>
                  <td className="hidden px-3 py-3 whitespace-nowrap text-slate-600 sm:table-cell">
                    <time dateTime={member.joinedAt} title={formatDateTime(member.joinedAt)}>
                      {formatRelative(Date.parse(member.joinedAt), now)}
                    </time>
                  </td>
                  <td className="px-5 py-3 text-right sm:px-6">
                    {!member.you && canRemove(myRole, member.role) ? (
                      <Button
                        variant="secondary"
                        className="px-2.5 py-1.5 text-xs"
                        data-testid="remove-member"
                        aria-label={`Remove ${member.email}`}
                        onClick={() => {
                          remove.reset();
                          setNotice(undefined);
                          setRemoving(member);
                        }}
                      >
                        Remove
                      </Button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );

  const removeProblem = remove.isError ? workspaceActionError(remove.error, 'remove') : undefined;
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
      {notice ? (
        <Alert tone="success" testId="members-notice" className="mx-5 mt-5 mb-4 sm:mx-6">
          {notice}
        </Alert>
      ) : null}
      {problem ? (
        <Alert tone="error" title={problem.title} testId="members-problem" className="mx-5 mt-5 mb-4 sm:mx-6">
          {problem.message}
        </Alert>
      ) : null}
      {body}
      <ConfirmDialog
        open={removing !== undefined}
        testId="remove-member-dialog"
        title="Remove this member?"
        confirmLabel="Remove member"
        busy={remove.isPending}
        error={
          removeProblem ? (
            <>
              <span className="font-medium">{removeProblem.title}.</span> {removeProblem.message}
            </>
          ) : undefined
        }
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => removing && remove.mutate({ workspaceId, memberId: removing.id })}
      >
        {removing ? (
          <p>
            <span className="font-medium text-slate-900">{removing.email}</span> loses access to this
            workspace at once. You can invite them again later.
          </p>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}
