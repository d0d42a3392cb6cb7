import type { Check } from '@postern/contracts';
import { StatusBadge } from '../../components/status-badge.tsx';
import { cn } from '../../lib/cn.ts';
import type { CheckMeta } from './checks.ts';
import { formatLatency } from './format.ts';

const ACCENT: Record<Check['status'], string> = {
  ok: 'border-slate-200',
  degraded: 'border-amber-300',
  down: 'border-rose-300',
};

const ICON_TILE: Record<Check['status'], string> = {
  ok: 'bg-slate-100 text-slate-600',
  degraded: 'bg-amber-100 text-amber-700',
  down: 'bg-rose-100 text-rose-600',
};

export function CheckCard({ meta, check }: { meta: CheckMeta; check: Check }) {
  const Icon = meta.icon;
  return (
    <article
      data-testid={`check-${meta.name}`}
      data-status={check.status}
      aria-label={`${meta.label}: ${check.status}`}
      className={cn('flex flex-col rounded-xl border bg-white p-5 shadow-sm', ACCENT[check.status])}
    >
      <header className="flex items-start justify-between gap-3">
        <div className="flex min-w-0 items-center gap-3">
          <div
            className={cn(
              'flex size-10 shrink-0 items-center justify-center rounded-lg',
              ICON_TILE[check.status],
            )}
          >
            <Icon className="size-5" />
          </div>
          <div className="min-w-0">
            <h3 className="text-sm font-semibold text-slate-900">{meta.label}</h3>
            <p className="truncate text-xs text-slate-500">{meta.describe(check)}</p>
          </div>
        </div>
        <StatusBadge status={check.status} testId={`check-${meta.name}-status`} />
      </header>
      <dl className="mt-4 grid flex-1 grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        <dt className="text-slate-500">Latency</dt>
        <dd
          className="text-right font-medium tabular-nums text-slate-900"
          data-testid={`check-${meta.name}-latency`}
        >
          {formatLatency(check.latencyMs)}
        </dd>
        <dt className="sr-only">Detail</dt>
        <dd
          className={cn(
            'col-span-2 mt-2 rounded-md px-3 py-2 text-xs leading-relaxed',
            check.status === 'ok' ? 'bg-slate-50 text-slate-600' : 'bg-rose-50/70 text-rose-800',
            check.status === 'degraded' && 'bg-amber-50 text-amber-900',
          )}
          data-testid={`check-${meta.name}-detail`}
        >
          {check.detail ?? (check.status === 'ok' ? 'No issues reported.' : 'No detail reported.')}
        </dd>
      </dl>
    </article>
  );
}
