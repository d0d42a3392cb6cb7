import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { useDocumentTitle } from '../lib/use-document-title.ts';

/** Last-resort boundary: a page crashed while rendering. */
export function RouteErrorPage() {
  useDocumentTitle('Something went wrong');
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <main
      role="alert"
      className="flex min-h-full flex-col items-center justify-center px-6 py-24 text-center"
    >
      <p className="text-sm font-semibold text-rose-600">Error</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-slate-900">Something went wrong</h1>
      <p className="mt-3 max-w-md break-words font-mono text-xs text-slate-500">{message}</p>
      <Link
        to="/status"
        reloadDocument
        className="mt-8 rounded-lg bg-slate-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-slate-700"
      >
        Reload the dashboard
      </Link>
    </main>
  );
}
