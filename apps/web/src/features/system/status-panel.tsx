// The live status view: overall banner, key figures and one card per health check.
import { AlertTriangleIcon } from '../../components/icons.tsx';
import { describeApiError } from '../../lib/errors.ts';
import { useNow } from '../../lib/use-now.ts';
import { CheckCard } from './check-card.tsx';
import { CHECKS } from './checks.ts';
import { formatAgo, formatUptime } from './format.ts';
import { HealthError } from './health-error.tsx';
import { HealthSkeleton } from './health-skeleton.tsx';
import { OverallBanner } from './overall-banner.tsx';
import { useHealth } from './use-health.ts';

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="min-w-0 rounded-xl border border-slate-200 bg-white px-3 py-3 shadow-sm sm:px-5 sm:py-4">
      <dt className="truncate text-[11px] font-medium uppercase tracking-wide text-slate-500 sm:text-xs">
        {label}
      </dt>
      <dd
        className="mt-1 truncate text-sm font-semibold tabular-nums text-slate-900 sm:text-xl"
        data-testid={testId}
        title={value}
      >
        {value}
      </dd>
    </div>
  );
}

export function StatusPanel() {
  const health = useHealth();
  const now = useNow();

  if (health.isPending) return <HealthSkeleton />;

  if (!health.data) {
    return (
      <HealthError
        message={describeApiError(health.error)}
        lastAttempt={formatAgo(health.errorUpdatedAt, now)}
        retrying={health.isFetching}
        onRetry={() => void health.refetch()}
      />
    );
  }

  const data = health.data;
  const live = !health.isError;
  const updated = formatAgo(health.dataUpdatedAt, now);
  // Uptime keeps counting between polls (so it does not jump in 3-second steps), unless the API is unreachable.
  const uptime = data.uptimeSeconds + (live ? Math.max(0, (now - health.dataUpdatedAt) / 1000) : 0);

  return (
    <div className="space-y-6" data-live={live}>
      {health.isError ? (
        <div
          role="alert"
          data-testid="health-stale"
          className="flex items-start gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          <AlertTriangleIcon className="mt-0.5 size-5 shrink-0 text-amber-600" />
          <p>
            <span className="font-medium">Connection to the API lost.</span> Showing the last known status
            from {updated}; retrying automatically.
          </p>
        </div>
      ) : null}

      <OverallBanner health={data} updatedLabel={updated} live={live} />

      <dl className="grid grid-cols-3 gap-2 sm:gap-4">
        <Stat label="Version" value={data.version} testId="health-version" />
        <Stat label="Uptime" value={formatUptime(uptime)} testId="health-uptime" />
        <Stat
          label="Server time"
          value={new Date(data.time).toLocaleTimeString([], { hour12: false })}
          testId="health-time"
        />
      </dl>

      <section aria-labelledby="checks-heading">
        <h2 id="checks-heading" className="mb-3 text-sm font-semibold text-slate-900">
          Checks
        </h2>
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {CHECKS.map((meta) => {
            const check = data.checks[meta.name];
            return check ? <CheckCard key={meta.name} meta={meta} check={check} /> : null;
          })}
        </div>
      </section>
    </div>
  );
}
