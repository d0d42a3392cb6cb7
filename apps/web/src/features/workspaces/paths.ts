// The URLs of the workspace pages: /w/:workspaceId/<section> (the sections are in sections.ts).
import type { Permission, Role } from '@postern/contracts/constants';
import { can } from './permissions.ts';
import { SECTIONS, type WorkspaceSection } from './sections.ts';

export type { WorkspaceSection };

/** What a role needs to open each page. */
export const SECTION_PERMISSION = Object.fromEntries(
  SECTIONS.map((section) => [section.id, section.permission]),
) as Record<WorkspaceSection, Permission>;

export function workspacePath(workspaceId: string, section: WorkspaceSection = 'home'): string {
  return `/w/${encodeURIComponent(workspaceId)}/${section}`;
}

/** The page of one item of a section (an endpoint, a mailbox): /w/:workspaceId/<section>/:itemId. */
export function workspaceItemPath(workspaceId: string, section: WorkspaceSection, itemId: string): string {
  return `${workspacePath(workspaceId, section)}/${encodeURIComponent(itemId)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Item ids are UUIDs: anything else in a URL cannot name one (and is not sent to the API). */
export function isItemId(value: string | undefined): value is string {
  return value !== undefined && UUID.test(value);
}

/** The section of a workspace URL (`/w/abc/audit?x` → `audit`), if any. */
export function sectionOf(pathname: string): WorkspaceSection | undefined {
  const match = /^\/w\/[^/]+\/([^/?#]+)/.exec(pathname);
  const section = match?.[1];
  return SECTIONS.find((known) => known.id === section)?.id;
}

/** Switching workspace keeps the page when the role there allows it, else opens its home. */
export function switchTarget(workspaceId: string, role: Role, pathname: string): string {
  const section = sectionOf(pathname);
  return workspacePath(workspaceId, section && can(role, SECTION_PERMISSION[section]) ? section : 'home');
}
