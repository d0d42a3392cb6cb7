// Route guards: pages for signed-in users, and the sign-in/sign-up pages (for signed-out users only).
import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { Button } from '../../components/button.tsx';
import { WifiOffIcon } from '../../components/icons.tsx';
import { Spinner } from '../../components/spinner.tsx';
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

function SessionError({
  message,
  retry,
  retrying,
}: {
  message: string;
  retry: () => void;
  retrying: boolean;
}) {
  return (
    <section
      role="alert"
      data-testid="session-error"
      className="mx-auto flex max-w-lg flex-col items-center rounded-xl border border-rose-200 bg-white px-6 py-12 text-center shadow-sm"
    >
      <div className="flex size-12 items-center justify-center rounded-full bg-rose-50 text-rose-600">
        <WifiOffIcon className="size-6" />
      </div>
      <h2 className="mt-4 text-lg font-semibold text-slate-900">Could not check your session</h2>
      <p className="mt-1 text-sm text-slate-600">{message}</p>
      <Button className="mt-5" variant="secondary" onClick={retry} loading={retrying}>
        Try again
      </Button>
    </section>
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
        <SessionError
          message={userMessage(session.error)}
          retry={session.retry}
          retrying={session.retrying}
        />
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
