import { Link, useLocation } from 'react-router';
import { useDocumentTitle } from '../lib/use-document-title.ts';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  const { pathname } = useLocation();
  return (
    <section data-testid="not-found" className="flex flex-col items-center py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-slate-900">Page not found</h1>
      <p className="mt-3 max-w-md text-sm text-slate-500">
        There is no page at{' '}
        <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">{pathname}</code>.
      </p>
      <Link
        to="/status"
        className="mt-8 rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
      >
        Go to system status
      </Link>
    </section>
  );
}
