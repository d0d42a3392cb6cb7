// The pre-send checklist (campaigns.checklist): content, sender, postal address, the sender domain's
// authentication (SPF, DKIM, DMARC: a failure is a warning to acknowledge when scheduling), the list's
// size after suppression, CASL skips and contacts to verify first. What blocks scheduling says how
// to fix it; the postal address links to its form.
import { ProblemAlert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { AlertTriangleIcon, CheckCircleIcon, XCircleIcon } from '../../components/icons.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { cn } from '../../lib/cn.ts';
import { FigureGrid } from './figure-grid.tsx';
import { PostalAddressLink } from './postal-address-card.tsx';
import type { Checklist, useChecklistQuery } from './use-campaigns.ts';

const ICONS = {
  ok: { icon: CheckCircleIcon, tone: 'text-emerald-600', label: 'Done' },
  warning: { icon: AlertTriangleIcon, tone: 'text-amber-500', label: 'Warning' },
  error: { icon: XCircleIcon, tone: 'text-rose-600', label: 'To do' },
} as const;

/** The checklist's items, each with its state, what it found and (for the postal address) the way to fix it. */
export function ChecklistItems({ workspaceId, checklist }: { workspaceId: string; checklist: Checklist }) {
  return (
    <ul className="divide-y divide-slate-100" data-testid="checklist-items">
      {checklist.items.map((item) => {
        const style = ICONS[item.status];
        const Icon = style.icon;
        return (
          <li
            key={item.id}
            className="flex items-start gap-3 py-3 first:pt-0 last:pb-0"
            data-testid="checklist-item"
            data-item={item.id}
            data-status={item.status}
          >
            <Icon className={cn('mt-0.5 size-5 shrink-0', style.tone)} aria-hidden="true" />
            <div className="min-w-0 text-sm">
              <p className="font-medium text-slate-900">
                <span className="sr-only">{style.label}: </span>
                {item.title}
              </p>
              <p className="mt-0.5 [overflow-wrap:anywhere] text-slate-600">{item.detail}</p>
              {item.id === 'postal_address' && item.status === 'error' ? (
                <PostalAddressLink
                  workspaceId={workspaceId}
                  testId="checklist-postal-address-link"
                  className="mt-1 inline-block font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                />
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** "1,200 subscribers · 1,150 to send" and the skips, as figures. */
export function AudienceFigures({ audience }: { audience: Checklist['audience'] }) {
  const figures = [
    { id: 'subscribers', label: 'Subscribers', value: audience.subscribers },
    { id: 'suppressed', label: 'Suppressed', value: audience.suppressed },
    { id: 'no-consent', label: 'Without express consent', value: audience.noConsent },
    { id: 'needs-verification', label: 'To verify first', value: audience.needsVerification },
    { id: 'sendable', label: 'To send to', value: audience.sendable },
  ];
  return (
    <FigureGrid
      figures={figures}
      testId="checklist-audience"
      columns="sm:grid-cols-5"
      idAttribute="data-figure"
    />
  );
}

export function ChecklistCard({
  workspaceId,
  checklist,
}: {
  workspaceId: string;
  checklist: ReturnType<typeof useChecklistQuery>;
}) {
  const data = checklist.data;
  return (
    <Card
      id="campaign-checklist"
      testId="campaign-checklist"
      title="Before sending"
      description={
        data
          ? data.ready
            ? 'Ready to schedule.'
            : 'What must be done before this campaign can be scheduled.'
          : 'What is checked before this campaign can be scheduled.'
      }
      actions={checklist.isFetching && data ? <Spinner className="size-4 text-slate-500" /> : null}
    >
      {data ? (
        <div className="space-y-5" data-ready={data.ready}>
          <AudienceFigures audience={data.audience} />
          <ChecklistItems workspaceId={workspaceId} checklist={data} />
        </div>
      ) : checklist.isError ? (
        <ProblemAlert
          problem={{ title: 'Could not check the campaign', message: 'Reload the page to try again.' }}
          testId="campaign-checklist-error"
        />
      ) : (
        <div aria-busy="true" className="space-y-3">
          <span className="sr-only">Checking the campaign…</span>
          <Skeleton className="h-12" />
          <Skeleton className="h-4 w-64" />
          <Skeleton className="h-4 w-56" />
        </div>
      )}
    </Card>
  );
}
