// The plan's real limits: the burst (requests available at once, and how many are left now) and the
// sustained rate per minute that refills it; requests counted today and this month.
import type { HomeOverview } from '@postern/contracts';
import { PLANS } from '@postern/contracts/constants';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Card } from '../../components/card.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { workspacePath } from '../workspaces/paths.ts';

const NUMBER = new Intl.NumberFormat('en');

function Figure({
  label,
  value,
  unit,
  testId,
  children,
}: {
  label: string;
  value: number;
  unit: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div>
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="mt-1">
        <span className="text-2xl font-semibold text-slate-900 tabular-nums" data-testid={testId}>
          {NUMBER.format(value)} <span className="text-sm font-normal text-slate-500">{unit}</span>
        </span>
        <div className="mt-2 text-xs text-slate-500">{children}</div>
      </dd>
    </div>
  );
}

export function UsageCard({
  usage,
  workspaceId,
}: {
  usage: NonNullable<HomeOverview['usage']>;
  workspaceId: string;
}) {
  const { limits } = usage;
  const available = Math.max(0, Math.min(usage.remaining, limits.burst));
  return (
    <Card
      id="home-usage"
      testId="home-usage"
      title="Usage"
      description={`${PLANS[usage.plan].name} plan: address checks and API requests share these limits.`}
      actions={
        <Link
          className="text-sm font-medium text-indigo-700 hover:text-indigo-900"
          to={workspacePath(workspaceId, 'api-keys')}
        >
          Usage by key
        </Link>
      }
    >
      <dl className="grid gap-5 sm:grid-cols-3">
        <Figure
          label="Burst available now"
          value={available}
          unit={`/ ${NUMBER.format(limits.burst)}`}
          testId="home-burst"
        >
          <ProgressBar
            value={(available / limits.burst) * 100}
            valueText={`${NUMBER.format(available)} of ${NUMBER.format(limits.burst)}`}
            label="Burst available now"
          />
        </Figure>
        <Figure label="Sustained rate" value={limits.perMinute} unit="per minute" testId="home-per-minute">
          Refills the burst; past it, requests get 429 and Retry-After.
        </Figure>
        <Figure label="Requests today" value={usage.requestsToday} unit="requests" testId="home-today">
          {NUMBER.format(usage.requestsThisMonth)} this month.
        </Figure>
      </dl>
    </Card>
  );
}
