// What a role may do in a workspace, for hiding or disabling actions (the server decides anyway). The
// matrix and `can` are the contract's (its zod-free constants entry, so the app shell stays light).
import { can, ROLES, type Role } from '@postern/contracts/constants';

export { can };

export const ROLE_ORDER: readonly Role[] = ROLES;

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: 'Full control, including ownership and verifying the audit log.',
  admin: 'Manages members and API keys, reads the audit log.',
  member: 'Uses the workspace; sees members and API keys.',
  viewer: 'Read-only access.',
};

/** Roles `actor` may give a member who now has `current` (owners alone grant or take away ownership). */
export function assignableRoles(actor: Role, current: Role): Role[] {
  if (!can(actor, 'members.manage')) return [];
  if (actor === 'owner') return [...ROLE_ORDER];
  if (current === 'owner') return [];
  return ROLE_ORDER.filter((role) => role !== 'owner');
}

/** Whether `actor` may remove a member who has `target` (only owners remove owners). */
export function canRemove(actor: Role, target: Role): boolean {
  return can(actor, 'members.manage') && (target !== 'owner' || actor === 'owner');
}
