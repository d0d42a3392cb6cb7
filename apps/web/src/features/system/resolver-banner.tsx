// A dashboard-wide banner while the DNS resolver of address checks is unhealthy (its canary domains
// fail): verdicts resting on "domain not found" become unknown and bulk jobs pause until it recovers.
import { useQuery } from '@tanstack/react-query';
import { AlertTriangleIcon } from '../../components/icons.tsx';
import { useTRPC } from '../../lib/trpc.ts';

export const RESOLVER_POLL_MS = 30_000;

export function ResolverBanner() {
  const trpc = useTRPC();
  const health = useQuery(
    trpc.system.health.queryOptions(undefined, { refetchInterval: RESOLVER_POLL_MS, retry: false }),
  );
  const resolver = health.data?.checks.resolver;
  if (!resolver || resolver.status === 'ok') return null;
  return (
    <div
      role="alert"
      data-testid="resolver-banner"
      className="border-b border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 sm:px-6 lg:px-10"
    >
      <div className="mx-auto flex max-w-6xl items-start gap-3">
        <AlertTriangleIcon className="mt-0.5 size-4 shrink-0 text-amber-600" />
        <p>
          <span className="font-medium">DNS checks are unreliable right now.</span> Addresses whose domain
          seems not to exist are reported as unknown, and bulk jobs are paused until the resolver answers
          correctly again.{' '}
          {resolver.detail ? <span className="text-amber-800">({resolver.detail})</span> : null}
        </p>
      </div>
    </div>
  );
}
