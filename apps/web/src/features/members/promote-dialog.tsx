// Promoting a member to admin or owner is confirmed first (they gain control of members, keys and the
// audit log; an owner can even remove you). Other role changes apply at once.
import type { Role } from '@postern/contracts/constants';
import { type ReactNode, useState } from 'react';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { ROLE_LABELS, ROLE_ORDER } from '../workspaces/permissions.ts';
import type { Member } from './use-members.ts';

const POWERS: Partial<Record<Role, string>> = {
  admin: 'invite and remove members, create and revoke API keys, manage webhooks and read the audit log',
  owner:
    'do everything an admin does, grant or remove ownership (including yours), and change security settings',
};

/** A promotion: to admin or owner, from a lower role. */
export function isPromotion(from: Role, to: Role): boolean {
  return (to === 'admin' || to === 'owner') && ROLE_ORDER.indexOf(to) < ROLE_ORDER.indexOf(from);
}

export function usePromotionConfirm(apply: (member: Member, role: Role) => void, busy: boolean) {
  const [pending, setPending] = useState<{ member: Member; role: Role }>();
  const request = (member: Member, role: Role) => {
    if (isPromotion(member.role, role)) setPending({ member, role });
    else apply(member, role);
  };
  const dialog: ReactNode = (
    <ConfirmAction
      open={pending !== undefined}
      testId="promote-dialog"
      title={pending ? `Make ${pending.member.email} ${ROLE_LABELS[pending.role].toLowerCase()}?` : ''}
      confirmLabel={pending ? `Make ${ROLE_LABELS[pending.role].toLowerCase()}` : 'Confirm'}
      busy={busy}
      onCancel={() => setPending(undefined)}
      onConfirm={() => {
        if (!pending) return;
        apply(pending.member, pending.role);
        setPending(undefined);
      }}
    >
      {pending ? (
        <p>
          As {pending.role === 'admin' ? 'an admin' : 'an owner'}, {pending.member.email} can{' '}
          {POWERS[pending.role]}.
        </p>
      ) : null}
    </ConfirmAction>
  );
  return { request, dialog };
}
