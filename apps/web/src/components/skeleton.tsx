import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn('animate-pulse rounded-md bg-slate-200/80', className)} />;
}

/** A whole page while its first answer is on its way: grey shapes, and `label` for screen readers. */
export function PageSkeleton({
  label,
  testId,
  children,
}: {
  label: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className="space-y-6" aria-busy="true" data-testid={testId}>
      <span className="sr-only">{label}</span>
      {children}
    </div>
  );
}

/** A mark (`mark`: its size and shape: an avatar, an icon) beside lines of text (`lines`: their sizes). */
export function SkeletonHeading({ mark, lines }: { mark: string; lines: readonly string[] }) {
  return (
    <>
      <Skeleton className={mark} />
      <div className="flex-1 space-y-2">
        {lines.map((line, index) => (
          <Skeleton key={index} className={line} />
        ))}
      </div>
    </>
  );
}
