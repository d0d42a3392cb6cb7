import type { CheckStatus } from '@postern/contracts';
import { cn } from '../lib/cn.ts';

export const STATUS_STYLES: Record<CheckStatus, { badge: string; dot: string; label: string }> = {
  ok: {
    badge: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
    dot: 'bg-emerald-500',
    label: 'Operational',
  },
  degraded: { badge: 'bg-amber-50 text-amber-800 ring-amber-600/25', dot: 'bg-amber-500', label: 'Degraded' },
  down: { badge: 'bg-rose-50 text-rose-700 ring-rose-600/20', dot: 'bg-rose-500', label: 'Down' },
};

/** A pill with a coloured dot; its text is the raw status word (ok / degraded / down). */
export function StatusBadge({
  status,
  className,
  testId,
}: {
  status: CheckStatus;
  className?: string;
  testId?: string;
}) {
  const style = STATUS_STYLES[status];
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset',
        style.badge,
        className,
      )}
      title={style.label}
    >
      <span aria-hidden="true" className={cn('size-1.5 rounded-full', style.dot)} />
      <span data-testid={testId}>{status}</span>
    </span>
  );
}
