// Getting started: five steps, each ticked from the workspace's own data (server side), with a link
// to where it is done — or who can do it when the role cannot.
import type { HomeOverview } from '@postern/contracts';
import { Link } from 'react-router';
import { Card } from '../../components/card.tsx';
import { CheckCircleIcon } from '../../components/icons.tsx';
import { cn } from '../../lib/cn.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { STEPS } from './home-model.ts';

export function ChecklistCard({ checklist }: { checklist: HomeOverview['checklist'] }) {
  const { workspace, can } = useCurrentWorkspace();
  const done = checklist.filter((item) => item.done).length;
  return (
    <Card
      id="home-checklist"
      testId="home-checklist"
      title="Getting started"
      description={
        done === checklist.length
          ? 'All done: this workspace is set up.'
          : `${done} of ${checklist.length} done.`
      }
    >
      <ol className="divide-y divide-slate-100">
        {checklist.map(({ step, done: finished }) => {
          const info = STEPS[step];
          const allowed = info.permission === null || can(info.permission);
          return (
            <li
              key={step}
              className="flex flex-col gap-2 py-3 first:pt-0 last:pb-0 sm:flex-row sm:items-center sm:justify-between"
              data-testid={`step-${step}`}
              data-done={finished}
            >
              <div className="flex items-start gap-3">
                <CheckCircleIcon
                  aria-hidden="true"
                  className={cn('mt-0.5 size-5 shrink-0', finished ? 'text-emerald-600' : 'text-slate-400')}
                />
                <div>
                  <p className={cn('text-sm font-medium', finished ? 'text-slate-600' : 'text-slate-900')}>
                    {info.title}
                    <span className="sr-only">{finished ? ' (done)' : ' (to do)'}</span>
                  </p>
                  <p className="text-sm text-slate-600">{info.detail}</p>
                </div>
              </div>
              {finished ? (
                <span className="text-sm font-medium text-emerald-700 sm:shrink-0">Done</span>
              ) : allowed ? (
                <Link
                  to={info.href(workspace.id)}
                  className="text-sm font-medium text-indigo-700 hover:text-indigo-900 sm:shrink-0"
                  data-testid={`step-${step}-link`}
                >
                  {info.action}
                </Link>
              ) : (
                <span className="text-sm text-slate-600 sm:shrink-0">An owner or admin can do this</span>
              )}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
