// The dashboard's root: a signed-in user goes to the last workspace they used (or their first);
// a visitor goes to sign-in (the public status page stays at /status).
import { Navigate } from 'react-router';
import { LoadError } from '../../components/error-panel.tsx';
import { PageLoading } from '../auth/guards.tsx';
import { useSession } from '../auth/use-session.ts';
import { NoWorkspace } from './create-workspace.tsx';
import { pickWorkspace, rememberedWorkspace } from './last-workspace.ts';
import { workspacePath } from './paths.ts';
import { useWorkspacesQuery } from './use-workspaces.ts';

/** The user's workspaces could not be read: say so, with a retry. */
export function WorkspacesError({ list }: { list: ReturnType<typeof useWorkspacesQuery> }) {
  return <LoadError title="Could not load your workspaces" query={list} testId="workspaces-error" />;
}

export function HomeRedirect() {
  const session = useSession();
  const list = useWorkspacesQuery();
  if (session.status === 'loading') return <PageLoading />;
  if (session.status !== 'signed_in') return <Navigate to="/sign-in" replace />;
  if (list.isPending) return <PageLoading label="Opening your workspace…" />;
  if (list.isError && !list.data) return <WorkspacesError list={list} />;
  const target = pickWorkspace(list.data.workspaces, rememberedWorkspace(session.user.id));
  if (!target) return <NoWorkspace />;
  return <Navigate to={workspacePath(target.id)} replace />;
}
