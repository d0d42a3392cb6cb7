// URLs of the Contacts pages: /w/:workspaceId/contacts and /w/:workspaceId/contacts/:contactId.
import { isItemId, workspaceItemPath, workspacePath } from '../workspaces/paths.ts';

export function contactsPath(workspaceId: string): string {
  return workspacePath(workspaceId, 'contacts');
}

export function contactPath(workspaceId: string, contactId: string): string {
  return workspaceItemPath(workspaceId, 'contacts', contactId);
}

/** Contact ids are UUIDs: anything else in the URL cannot name one (and is not sent to the API). */
export const isContactId = isItemId;
