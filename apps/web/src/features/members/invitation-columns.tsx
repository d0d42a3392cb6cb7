import { badgeColumn, titleColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { TimeAgo } from '../../components/time-ago.tsx';
import { formatDateTime, formatUntil } from '../../lib/time.ts';
import { RoleBadge } from './role-badge.tsx';
import type { PendingInvitation } from './use-members.ts';

/** The columns of the pending invitations: to whom, which role, invited by whom, until when. */
export function invitationColumns(now: number): Column<PendingInvitation>[] {
  return [
    titleColumn('Email', (invitation) => (
      <>
        <span className="font-medium [overflow-wrap:anywhere] text-slate-900">{invitation.email}</span>
        <p className="text-xs text-slate-500">
          Sent <TimeAgo iso={invitation.createdAt} now={now} />
        </p>
      </>
    )),
    badgeColumn('Role', (invitation) => <RoleBadge role={invitation.role} />),
    {
      id: 'invited-by',
      header: 'Invited by',
      from: 'md',
      className: 'text-slate-600',
      cell: (invitation) => invitation.invitedBy ?? <span className="text-slate-500">Unknown</span>,
    },
    {
      id: 'expires',
      header: 'Expires',
      className: 'whitespace-nowrap text-slate-600',
      cell: (invitation) => (
        <time dateTime={invitation.expiresAt} title={formatDateTime(invitation.expiresAt)}>
          {formatUntil(Date.parse(invitation.expiresAt), now)}
        </time>
      ),
    },
  ];
}
