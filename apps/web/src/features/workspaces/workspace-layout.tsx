// The frame of every /w/:workspaceId page: resolves the workspace among the user's (an unknown id and
// someone else's workspace look the same), remembers it, and refuses pages the role cannot open.
import { PERMISSIONS, type Permission } from '@postern/contracts/constants';
import { type ReactNode, useEffect, useMemo } from 'react';
import { Link, Navigate, Outlet, useLocation, useParams } from 'react-router';
import { buttonClass } from '../../components/button.tsx';
import { BuildingIcon, LockIcon, ShieldIcon } from '../../components/icons.tsx';
import { PageLoading } from '../auth/guards.tsx';
import { useSession } from '../auth/use-session.ts';
import { WorkspacesError } from './home-redirect.tsx';
import { rememberWorkspace } from './last-workspace.ts';
import { SECTION_PERMISSION, sectionOf, workspacePath } from './paths.ts';
import { ROLE_LABELS } from './permissions.ts';
import { useTwoFactorRefusals } from './two-factor-required.ts';
import { currentWorkspace, useWorkspacesQuery, WorkspaceContext } from './use-workspaces.ts';

function Blocked({
  icon: Icon,
  title,
  children,
  testId,
}: {
  icon: typeof LockIcon;
  title: string;
  children: ReactNode;
  testId: string;
}) {
  return (
    <section
      data-testid={testId}
      className="mx-auto mt-8 flex max-w-lg flex-col items-center rounded-xl border border-slate-200 bg-white px-6 py-12 text-center shadow-sm"
    >
      <div className="flex size-12 items-center justify-center rounded-full bg-slate-100 text-slate-500">
        <Icon className="size-6" />
      </div>
      <h1 className="mt-4 text-lg font-semibold text-slate-900">{title}</h1>
      <div className="mt-1 text-sm text-slate-600">{children}</div>
    </section>
  );
}

/** "owners and admins": the roles that hold a permission, for people. */
function allowedRoles(permission: Permission): string {
  const roles = PERMISSIONS[permission].map((role) => `${ROLE_LABELS[role].toLowerCase()}s`);
  return new Intl.ListFormat('en', { type: 'conjunction' }).format(roles);
}

export function WorkspaceLayout() {
  const { workspaceId = '' } = useParams();
  const { pathname } = useLocation();
  const session = useSession();
  // Roles change (an owner promotes or removes you): re-read the list whenever a workspace page opens.
  const list = useWorkspacesQuery({ refetchOnMount: 'always' });
  const workspace = list.data?.workspaces.find((candidate) => candidate.id === workspaceId);
  const userId = session.status === 'signed_in' ? session.user.id : undefined;

  useEffect(() => {
    if (workspace && userId) rememberWorkspace(userId, workspace.id);
  }, [workspace, userId]);

  const value = useMemo(() => (workspace ? currentWorkspace(workspace) : undefined), [workspace]);
  // A refusal for a missing second factor (the requirement was turned on meanwhile): re-read the list.
  useTwoFactorRefusals();

  if (list.isPending) return <PageLoading label="Loading the workspace…" />;
  if (list.isError && !list.data) return <WorkspacesError list={list} />;
  if (!workspace || !value)
    return (
      <Blocked icon={BuildingIcon} title="Workspace not found" testId="workspace-not-found">
        <p>It does not exist, or you are not a member of it (any more).</p>
        <Link to="/" className={buttonClass('primary', 'mt-5')}>
          Go to your workspace
        </Link>
      </Blocked>
    );

  // The workspace requires two-factor authentication (ASVS 6.3.3): the server refuses every call of a
  // member without it (TWO_FACTOR_REQUIRED); the page asks them to enrol instead of failing piecemeal.
  if (workspace.requireTwoFactor && session.status === 'signed_in' && !session.user.twoFactorEnabled)
    return (
      <Blocked
        icon={ShieldIcon}
        title="Turn on two-factor authentication"
        testId="workspace-two-factor-required"
      >
        <p>
          <span className="font-medium text-slate-900">{workspace.name}</span> requires every member to sign
          in with a second factor. Turn it on in your security settings, then come back.
        </p>
        <Link
          to={`/settings/security?next=${encodeURIComponent(pathname)}`}
          className={buttonClass('primary', 'mt-5')}
          data-testid="enrol-two-factor-link"
        >
          Turn on two-factor authentication
        </Link>
      </Blocked>
    );

  const section = sectionOf(pathname);
  if (section && !value.can(SECTION_PERMISSION[section]))
    return (
      <Blocked icon={LockIcon} title="You do not have access to this page" testId="workspace-forbidden">
        <p>
          Only {allowedRoles(SECTION_PERMISSION[section])} can open it. Your role in{' '}
          <span className="font-medium text-slate-900">{workspace.name}</span> is{' '}
          {ROLE_LABELS[workspace.role]}. Ask an owner or an admin if you need it.
        </p>
        <Link to={workspacePath(workspace.id)} className={buttonClass('secondary', 'mt-5')}>
          Go to the workspace home
        </Link>
      </Blocked>
    );

  return (
    <WorkspaceContext.Provider value={value}>
      <Outlet />
    </WorkspaceContext.Provider>
  );
}

/** `/w/:workspaceId` alone: the workspace's home. */
export function WorkspaceIndex() {
  return <Navigate to="home" replace />;
}
