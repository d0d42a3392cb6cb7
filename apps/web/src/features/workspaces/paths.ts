// The workspace pages and their URLs: /w/:workspaceId/<section>.
import type { Permission, Role } from '@postern/contracts';
import { can } from './permissions.ts';

export const WORKSPACE_SECTIONS = ['members', 'audit', 'api-keys', 'check', 'jobs', 'webhooks'] as const;
export type WorkspaceSection = (typeof WORKSPACE_SECTIONS)[number];

/** What a role needs to open each page. */
export const SECTION_PERMISSION: Record<WorkspaceSection, Permission> = {
  members: 'members.read',
  audit: 'audit.read',
  'api-keys': 'apikeys.read',
  check: 'validation.use',
  jobs: 'bulk.read',
  webhooks: 'webhooks.read',
};

export function workspacePath(workspaceId: string, section: WorkspaceSection = 'members'): string {
  return `/w/${encodeURIComponent(workspaceId)}/${section}`;
}

/** The section of a workspace URL (`/w/abc/audit?x` → `audit`), if any. */
export function sectionOf(pathname: string): WorkspaceSection | undefined {
  const match = /^\/w\/[^/]+\/([^/?#]+)/.exec(pathname);
  const section = match?.[1];
  return WORKSPACE_SECTIONS.find((known) => known === section);
}

/** Switching workspace keeps the page when the role there allows it, else opens its members. */
export function switchTarget(workspaceId: string, role: Role, pathname: string): string {
  const section = sectionOf(pathname);
  return workspacePath(workspaceId, section && can(role, SECTION_PERMISSION[section]) ? section : 'members');
}
