// What a role may do in a workspace, for hiding or disabling actions (the server decides anyway).
// The matrix is spelled out here so the app shell does not pull zod (through @postern/contracts'
// values) into the first bundle; its type is the contract's, and a test checks the values match.
import type { PERMISSIONS, Permission, Role } from '@postern/contracts';

export const WORKSPACE_PERMISSIONS: typeof PERMISSIONS = {
  'workspace.read': ['owner', 'admin', 'member', 'viewer'],
  'workspace.rename': ['owner', 'admin'],
  'members.read': ['owner', 'admin', 'member', 'viewer'],
  'members.manage': ['owner', 'admin'],
  'audit.read': ['owner', 'admin'],
  'audit.verify': ['owner'],
  'apikeys.read': ['owner', 'admin', 'member', 'viewer'],
  'apikeys.manage': ['owner', 'admin'],
  'validation.use': ['owner', 'admin', 'member', 'viewer'],
  'bulk.read': ['owner', 'admin', 'member', 'viewer'],
  'bulk.manage': ['owner', 'admin', 'member'],
  'webhooks.read': ['owner', 'admin'],
  'webhooks.manage': ['owner', 'admin'],
};

export const ROLE_ORDER: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];

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

export function can(role: Role, permission: Permission): boolean {
  return (WORKSPACE_PERMISSIONS[permission] as readonly Role[]).includes(role);
}

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
