// The workspace's plan: its rate limits, tokens left in the bucket now, and requests today and this
// month against what the plan's sustained rate allows.
import { PLANS } from '@postern/contracts/constants';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Badge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { cn } from '../../lib/cn.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { percentOf, planCapacity } from './api-keys-model.ts';

const NUMBER = new Intl.NumberFormat('en');

function Meter({
  label,
  value,
  max,
  detail,
  tone,
  testId,
}: {
  label: string;
  value: number;
  max: number;
  detail: string;
  tone: 'emerald' | 'indigo' | 'amber';
  testId: string;
}) {
  const percent = percentOf(value, max);
  const bar = { emerald: 'bg-emerald-500', indigo: 'bg-indigo-500', amber: 'bg-amber-500' }[tone];
  return (
    <div className="rounded-lg border border-slate-200 p-4" data-testid={testId}>
      <p className="text-sm text-slate-500">{label}</p>
      <p className="mt-1 flex items-baseline gap-1.5">
        <span className="text-2xl font-semibold text-slate-900 tabular-nums" data-testid={`${testId}-value`}>
          {NUMBER.format(value)}
        </span>
        <span className="text-sm text-slate-500">/ {NUMBER.format(max)}</span>
      </p>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={Math.min(value, max)}
        className="mt-3 h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={cn('h-full rounded-full transition-[width]', bar)} style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-2 text-xs text-slate-500">{detail}</p>
    </div>
  );
}

export function PlanCard({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const plan = useQuery(
    trpc.apiKeys.plan.queryOptions({ workspaceId }, { staleTime: 0, refetchInterval: 30_000 }),
  );

  let body: ReactNode;
  if (plan.isPending)
    body = (
      <div className="grid gap-4 md:grid-cols-3" aria-busy="true" data-testid="plan-loading">
        {[0, 1, 2].map((tile) => (
          <div key={tile} className="space-y-3 rounded-lg border border-slate-200 p-4">
            <Skeleton className="h-4 w-32" />
            <Skeleton className="h-7 w-24" />
            <Skeleton className="h-2 w-full" />
          </div>
        ))}
      </div>
    );
  else if (plan.isError && !plan.data)
    body = <LoadError title="Could not load the plan usage" query={plan} />;
  else {
    const { limits, remaining, requestsToday, requestsThisMonth } = plan.data;
    const capacity = planCapacity(limits.perMinute, new Date());
    body = (
      <div className="grid gap-4 md:grid-cols-3">
        <Meter
          label="Burst capacity available"
          value={remaining}
          max={limits.burst}
          tone={remaining < limits.burst * 0.2 ? 'amber' : 'emerald'}
          detail={`Requests you can send right now; refills at ${limits.perMinute} per minute.`}
          testId="plan-remaining"
        />
        {[
          {
            id: 'today',
            label: 'Requests today',
            value: requestsToday,
            max: capacity.perDay,
            span: 'in a day',
          },
          {
            id: 'month',
            label: 'Requests this month',
            value: requestsThisMonth,
            max: capacity.perMonth,
            span: 'this month',
          },
        ].map(({ id, span, ...meter }) => (
          <Meter
            key={id}
            {...meter}
            tone="indigo"
            detail={`Against the most the sustained rate allows ${span} (UTC).`}
            testId={`plan-${id}`}
          />
        ))}
      </div>
    );
  }

  return (
    <Card
      id="plan"
      testId="plan-card"
      title={
        <span className="flex items-center gap-2">
          Plan and rate limits
          {plan.data ? (
            <Badge tone="violet" testId="plan-name">
              {PLANS[plan.data.plan].name}
            </Badge>
          ) : null}
        </span>
      }
      description={
        plan.data
          ? `${plan.data.limits.perMinute} requests per minute sustained, bursts of up to ${plan.data.limits.burst}. Shared by every key of the workspace.`
          : 'The public API is rate limited per workspace.'
      }
    >
      {body}
    </Card>
  );
}
