// A workspace's home: system warnings, usage against the plan's real limits, the newest bulk jobs and
// the getting-started checklist (home.overview; warnings from system.health like the Status page).
import { useQuery } from '@tanstack/react-query';
import { Card } from '../../components/card.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { Page } from '../../components/page-header.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { ChecklistCard } from './checklist-card.tsx';
import { RecentJobsCard } from './recent-jobs-card.tsx';
import { UsageCard } from './usage-card.tsx';
import { SystemWarnings } from './warnings-card.tsx';

function HomeSkeleton() {
  return (
    <div className="space-y-6" aria-busy="true" data-testid="home-loading">
      <span className="sr-only">Loading the workspace overview…</span>
      {[0, 1, 2].map((index) => (
        <Skeleton key={index} className="h-40 w-full rounded-xl" />
      ))}
    </div>
  );
}

export function HomePage() {
  const trpc = useTRPC();
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Home · ${workspace.name}`);
  const overview = useQuery(
    trpc.home.overview.queryOptions({ workspaceId: workspace.id }, { refetchInterval: 30_000 }),
  );
  const data = overview.data;
  return (
    <Page
      testId="home-page"
      title={workspace.name}
      description="How the workspace is doing, and what to set up next."
    >
      <SystemWarnings />
      {overview.isPending ? (
        <HomeSkeleton />
      ) : !data ? (
        <Card title="Overview">
          <LoadError title="Could not load the overview" query={overview} testId="home-error" />
        </Card>
      ) : (
        <>
          {data.usage ? <UsageCard usage={data.usage} workspaceId={workspace.id} /> : null}
          <div className="grid gap-6 xl:grid-cols-2">
            <ChecklistCard checklist={data.checklist} />
            {data.recentJobs ? (
              <RecentJobsCard
                jobs={data.recentJobs}
                workspaceId={workspace.id}
                canUpload={can('bulk.manage')}
              />
            ) : null}
          </div>
        </>
      )}
    </Page>
  );
}
