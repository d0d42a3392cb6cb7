// URLs of the Lists pages: /w/:workspaceId/lists, one list's settings /w/:workspaceId/lists/:listId, and
// its contact import /w/:workspaceId/lists/:listId/import (the import's own page below it).
import { isItemId, workspaceItemPath, workspacePath } from '../workspaces/paths.ts';

export function listsPath(workspaceId: string): string {
  return workspacePath(workspaceId, 'lists');
}

export function listPath(workspaceId: string, listId: string): string {
  return workspaceItemPath(workspaceId, 'lists', listId);
}

export function listImportPath(workspaceId: string, listId: string): string {
  return `${listPath(workspaceId, listId)}/import`;
}

/** List ids are UUIDs: anything else in the URL cannot name one (and is not sent to the API). */
export const isListId = isItemId;
