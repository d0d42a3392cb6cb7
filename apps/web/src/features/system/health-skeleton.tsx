import { PageSkeleton, Skeleton, SkeletonHeading } from '../../components/skeleton.tsx';
import { CHECKS } from './checks.ts';

export function HealthSkeleton() {
  return (
    <PageSkeleton label="Loading system health…" testId="health-loading">
      <div className="flex items-center gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <SkeletonHeading mark="size-12 rounded-full" lines={['h-5 w-56', 'h-4 w-40']} />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        {[0, 1, 2].map((i) => (
          <div key={i} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
            <Skeleton className="h-3 w-16" />
            <Skeleton className="mt-3 h-6 w-24" />
          </div>
        ))}
      </div>
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {CHECKS.map((meta) => (
          <div key={meta.name} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <div className="flex items-center gap-3">
              <SkeletonHeading mark="size-10 rounded-lg" lines={['h-4 w-24', 'h-3 w-32']} />
              <Skeleton className="h-5 w-12 rounded-full" />
            </div>
            <Skeleton className="mt-5 h-4 w-full" />
            <Skeleton className="mt-3 h-8 w-full" />
          </div>
        ))}
      </div>
    </PageSkeleton>
  );
}
