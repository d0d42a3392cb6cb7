// The columns of the members table: who (with "You"), the role (a select for those who may change
// it), when they joined.

import type { Role } from '@postern/contracts/constants';
import type { UseMutationResult } from '@tanstack/react-query';
import { Avatar } from '../../components/avatar.tsx';
import { Badge } from '../../components/badge.tsx';
import { timeColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { Select } from '../../components/select.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { assignableRoles, ROLE_LABELS } from '../workspaces/permissions.ts';
import { RoleBadge } from './role-badge.tsx';
import type { Member } from './use-members.ts';

type ChangeRole = UseMutationResult<unknown, unknown, { workspaceId: string; memberId: string; role: Role }>;

function MemberCell({ member }: { member: Member }) {
  return (
    <div className="flex items-center gap-3">
      <Avatar email={member.email} />
      <div className="flex min-w-0 flex-wrap items-center gap-2">
        <span className="font-medium [overflow-wrap:anywhere] text-slate-900" data-testid="member-email">
          {member.email}
        </span>
        {member.you ? (
          <Badge tone="indigo" testId="member-you">
            You
          </Badge>
        ) : null}
      </div>
    </div>
  );
}

function RoleCell({
  member,
  roles,
  soleOwner,
  changeRole,
  requestRole,
}: {
  member: Member;
  roles: Role[];
  soleOwner: boolean;
  changeRole: ChangeRole;
  /** Applies the change, or asks first for a promotion (promote-dialog.tsx). */
  requestRole: (member: Member, role: Role) => void;
}) {
  const busy = changeRole.isPending && changeRole.variables?.memberId === member.id;
  if (roles.length <= 1)
    return (
      <span className="flex flex-wrap items-center gap-2">
        <RoleBadge role={member.role} testId="member-role" />
        {soleOwner ? <span className="text-xs text-slate-500">Only owner</span> : null}
      </span>
    );
  return (
    <div className="flex items-center gap-2">
      <Select
        aria-label={`Role of ${member.email}`}
        data-testid="member-role-select"
        value={busy ? changeRole.variables?.role : member.role}
        disabled={changeRole.isPending}
        onChange={(event) => requestRole(member, event.target.value as Role)}
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
  );
}

export function memberColumns({
  myRole,
  owners,
  now,
  changeRole,
  requestRole,
}: {
  myRole: Role;
  /** How many owners the workspace has: the only one keeps the role (the server would refuse). */
  owners: number;
  now: number;
  changeRole: ChangeRole;
  requestRole: (member: Member, role: Role) => void;
}): Column<Member>[] {
  return [
    { id: 'member', header: 'Member', primary: true, cell: (member) => <MemberCell member={member} /> },
    {
      id: 'role',
      header: 'Role',
      cell: (member) => {
        const soleOwner = member.role === 'owner' && owners === 1;
        const roles = soleOwner ? [] : assignableRoles(myRole, member.role);
        return (
          <RoleCell
            member={member}
            roles={roles}
            soleOwner={soleOwner}
            changeRole={changeRole}
            requestRole={requestRole}
          />
        );
      },
    },
    timeColumn('Joined', (member) => member.joinedAt, now),
  ];
}
