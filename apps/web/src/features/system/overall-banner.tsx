import type { CheckStatus, HealthResponse } from '@postern/contracts';
import type { ComponentType, SVGProps } from 'react';
import { AlertTriangleIcon, CheckCircleIcon, XCircleIcon } from '../../components/icons.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { cn } from '../../lib/cn.ts';
import { CHECK_LABELS, type CheckName } from './checks.ts';

const BANNER: Record<
  CheckStatus,
  { title: string; frame: string; iconTile: string; icon: ComponentType<SVGProps<SVGSVGElement>> }
> = {
  ok: {
    title: 'All systems operational',
    frame: 'border-emerald-200 bg-gradient-to-r from-emerald-50 to-white',
    iconTile: 'bg-emerald-100 text-emerald-600',
    icon: CheckCircleIcon,
  },
  degraded: {
    title: 'Partially degraded',
    frame: 'border-amber-200 bg-gradient-to-r from-amber-50 to-white',
    iconTile: 'bg-amber-100 text-amber-600',
    icon: AlertTriangleIcon,
  },
  down: {
    title: 'Service disruption',
    frame: 'border-rose-200 bg-gradient-to-r from-rose-50 to-white',
    iconTile: 'bg-rose-100 text-rose-600',
    icon: XCircleIcon,
  },
};

function summary(health: HealthResponse): string {
  const failing = (Object.entries(health.checks) as Array<[CheckName, HealthResponse['checks'][CheckName]]>)
    .filter(([, check]) => check !== undefined && check.status !== 'ok')
    .map(([name]) => CHECK_LABELS[name]);
  if (failing.length === 0) return 'Every check passed.';
  const list = failing.join(', ');
  return failing.length === 1 ? `${list} needs attention.` : `${list} need attention.`;
}

export function OverallBanner({
  health,
  updatedLabel,
  live,
}: {
  health: HealthResponse;
  updatedLabel: string;
  /** False while the last poll failed: the figures shown are the last known ones. */
  live: boolean;
}) {
  const banner = BANNER[health.status];
  const Icon = banner.icon;
  return (
    <section
      aria-live="polite"
      data-testid="overall-banner"
      data-status={health.status}
      className={cn(
        'flex flex-wrap items-center gap-x-4 gap-y-3 rounded-xl border p-4 shadow-sm sm:p-5',
        banner.frame,
      )}
    >
      <div
        className={cn(
          'flex size-10 shrink-0 items-center justify-center rounded-full sm:size-12',
          banner.iconTile,
        )}
      >
        <Icon className="size-6 sm:size-7" />
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="text-base font-semibold text-slate-900 sm:text-lg">{banner.title}</h2>
          <StatusBadge status={health.status} testId="overall-status" />
        </div>
        <p className="mt-0.5 text-sm text-slate-600">{summary(health)}</p>
      </div>
      <div className="flex w-full items-center gap-2 text-sm text-slate-500 sm:w-auto">
        <span className="relative flex size-2.5" aria-hidden="true">
          {live ? (
            <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-emerald-400 opacity-60" />
          ) : null}
          <span
            className={cn(
              'relative inline-flex size-2.5 rounded-full',
              live ? 'bg-emerald-500' : 'bg-slate-400',
            )}
          />
        </span>
        <span>
          {live ? 'Live' : 'Reconnecting'} · updated <span data-testid="health-updated">{updatedLabel}</span>
        </span>
      </div>
    </section>
  );
}
