// A dashboard-wide banner while the DNS resolver of address checks is unhealthy (its canary domains
// fail): verdicts resting on "domain not found" become unknown and bulk jobs pause until it recovers.
import { useQuery } from '@tanstack/react-query';
import { AlertTriangleIcon } from '../../components/icons.tsx';
import { Banner } from '../../components/state-panel.tsx';
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
    <Banner icon={AlertTriangleIcon} alert testId="resolver-banner">
      <p className="min-w-0 flex-1">
        <span className="font-medium">DNS checks are unreliable right now.</span> Addresses whose domain seems
        not to exist are reported as unknown, and bulk jobs are paused until the resolver answers correctly
        again. {resolver.detail ? <span className="text-amber-800">({resolver.detail})</span> : null}
      </p>
    </Banner>
  );
}
