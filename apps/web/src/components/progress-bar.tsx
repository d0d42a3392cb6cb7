import { cn } from '../lib/cn.ts';

const TONES = {
  indigo: 'bg-indigo-600',
  emerald: 'bg-emerald-500',
  amber: 'bg-amber-500',
  rose: 'bg-rose-500',
  slate: 'bg-slate-400',
} as const;

/** A horizontal bar for 0–100 (role=progressbar, so screen readers announce the value). */
export function ProgressBar({
  value,
  label,
  tone = 'indigo',
  size = 'md',
  testId,
  className,
  valueText,
}: {
  value: number;
  /** What is progressing (the accessible name). */
  label: string;
  tone?: keyof typeof TONES;
  size?: 'sm' | 'md';
  testId?: string;
  className?: string;
  /** Announced instead of the bare number, e.g. "42% (1,200 of 2,840)". */
  valueText?: string;
}) {
  const clamped = Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(clamped * 10) / 10}
      aria-valuetext={valueText}
      data-testid={testId}
      data-value={clamped}
      className={cn(
        'w-full overflow-hidden rounded-full bg-slate-100 ring-1 ring-inset ring-slate-900/5',
        size === 'sm' ? 'h-1.5' : 'h-2.5',
        className,
      )}
    >
      <div
        className={cn(
          'h-full rounded-full transition-[width] duration-500 ease-out motion-reduce:transition-none',
          TONES[tone],
        )}
        style={{ width: `${clamped}%` }}
      />
    </div>
  );
}
