// Route guards: pages for signed-in users, and the sign-in/sign-up pages (for signed-out users only).
import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { Spinner } from '../../components/spinner.tsx';
import { UnreachablePanel } from '../../components/state-panel.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { safeNextPath, signInPath } from '../../lib/safe-next.ts';
import { useSession } from './use-session.ts';

export function PageLoading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div
      data-testid="page-loading"
      aria-busy="true"
      className="flex min-h-64 items-center justify-center gap-3 text-sm text-slate-500"
    >
      <Spinner className="size-5 text-indigo-600" />
      <span>{label}</span>
    </div>
  );
}

/** Renders its pages for signed-in users; others go to /sign-in and come back here afterwards. */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  switch (session.status) {
    case 'loading':
      return <PageLoading label="Checking your session…" />;
    case 'signed_out':
      return <Navigate to={signInPath(location.pathname, location.search, location.hash)} replace />;
    case 'error':
      return (
        <UnreachablePanel
          title="Could not check your session"
          retry={session}
          testId="session-error"
          className="mx-auto max-w-lg"
        >
          {userMessage(session.error)}
        </UnreachablePanel>
      );
    default:
      return <Outlet />;
  }
}

/** Sign-in and sign-up: a signed-in user has nothing to do there and goes on to `next` (or /). */
export function GuestOnly() {
  const session = useSession();
  const [params] = useSearchParams();
  if (session.status === 'signed_in') return <Navigate to={safeNextPath(params.get('next'))} replace />;
  if (session.status === 'loading') return <PageLoading />;
  // Signed out, or the API could not say: show the form (a failed sign-in will explain).
  return <Outlet />;
}
