// The signed-in user's workspaces (`workspaces.list`) and the one the page is about.
import type { Permission, Workspace } from '@postern/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext } from 'react';
import { useMatch } from 'react-router';
import { useTRPC } from '../../lib/trpc.ts';
import { useSession } from '../auth/use-session.ts';
import { rememberedWorkspace } from './last-workspace.ts';
import { can } from './permissions.ts';

/**
 * Kept for a while (the shell reads it on every page); pages that depend on the role refetch it when
 * they open (see WorkspaceLayout), and every FORBIDDEN or NOT_FOUND answer invalidates it.
 */
export const WORKSPACES_STALE_MS = 5 * 60_000;

export function useWorkspacesQuery(options: { refetchOnMount?: boolean | 'always' } = {}) {
  const trpc = useTRPC();
  const session = useSession();
  return useQuery(
    trpc.workspaces.list.queryOptions(undefined, {
      enabled: session.status === 'signed_in',
      staleTime: WORKSPACES_STALE_MS,
      ...options,
    }),
  );
}

/** Re-reads the workspace list (after a create, a join, a leave, or a refusal that says roles changed). */
export function useInvalidateWorkspaces() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () => queryClient.invalidateQueries({ queryKey: trpc.workspaces.list.queryKey() }),
    [queryClient, trpc],
  );
}

/** The workspace id in the URL (`/w/:workspaceId/...`), anywhere in the app. */
export function useWorkspaceIdInUrl(): string | undefined {
  const match = useMatch('/w/:workspaceId/*');
  return match?.params.workspaceId;
}

/**
 * The workspace the shell shows: the one in the URL, else the remembered one, else the first.
 * Undefined while loading or for signed-out visitors.
 */
export function useShellWorkspace(): { workspace: Workspace | undefined; workspaces: Workspace[] } {
  const session = useSession();
  const list = useWorkspacesQuery();
  const inUrl = useWorkspaceIdInUrl();
  const workspaces = list.data?.workspaces ?? [];
  if (session.status !== 'signed_in') return { workspace: undefined, workspaces: [] };
  const wanted = inUrl ?? rememberedWorkspace(session.user.id);
  const workspace =
    workspaces.find((candidate) => candidate.id === wanted) ?? (inUrl ? undefined : workspaces[0]);
  return { workspace, workspaces };
}

export interface CurrentWorkspace {
  workspace: Workspace;
  can: (permission: Permission) => boolean;
}

export const WorkspaceContext = createContext<CurrentWorkspace | undefined>(undefined);

/** The workspace of the page (inside /w/:workspaceId). */
export function useCurrentWorkspace(): CurrentWorkspace {
  const current = useContext(WorkspaceContext);
  if (!current) throw new Error('useCurrentWorkspace() outside a workspace page');
  return current;
}

export function currentWorkspace(workspace: Workspace): CurrentWorkspace {
  return { workspace, can: (permission) => can(workspace.role, permission) };
}
