// The list page's recent imports into it (the workspace's latest imports, those of this list): each
// opens its page with the progress and the report. Read again every few seconds while one runs.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Badge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { UploadIcon } from '../../components/icons.tsx';
import { column, titleColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { ListTable } from '../../components/list-kit/list-table.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { formatCount } from '../bulk/bulk-model.ts';
import { importPath, isFinished, STATUS_INFO } from './import-model.ts';
import type { ContactImport } from './use-imports.ts';

/** How many of the workspace's latest imports are looked through for this list's. */
const RECENT = 50;

function importColumns(workspaceId: string): Column<ContactImport>[] {
  return [
    titleColumn('File', (item) => (
      <Link
        to={importPath(workspaceId, item.listId, item.id)}
        className="font-medium break-all text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        data-testid="list-import-link"
      >
        {item.source ?? 'Import'}
      </Link>
    )),
    column('Status', (item) => (
      <Badge tone={STATUS_INFO[item.status].tone} dot>
        {STATUS_INFO[item.status].label}
      </Badge>
    )),
    column(
      'Subscribed',
      (item) =>
        `${formatCount(item.counts.imported)} of ${formatCount(item.counts.rows)}${item.counts.skipped ? ` · ${formatCount(item.counts.skipped)} left out` : ''}`,
      { className: 'tabular-nums text-slate-700' },
    ),
    column('Started', (item) => <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>, {
      from: 'md',
      className: 'whitespace-nowrap text-slate-600',
    }),
  ];
}

export function ListImportsCard({ workspaceId, listId }: { workspaceId: string; listId: string }) {
  const trpc = useTRPC();
  const imports = useQuery(
    trpc.contactImports.list.queryOptions(
      { workspaceId, limit: RECENT },
      {
        staleTime: 0,
        refetchInterval: (query) =>
          query.state.data?.items.some((item) => item.listId === listId && !isFinished(item.status))
            ? 3_000
            : false,
      },
    ),
  );
  const rows = (imports.data?.items ?? []).filter((item) => item.listId === listId);
  return (
    <Card id="list-imports" testId="list-imports-card" title="Imports" bodyClassName="p-0">
      <ListTable
        state={{
          query: imports,
          name: 'list-imports',
          what: 'the imports',
          skeleton: { rows: 1, cells: ['h-4 w-48', 'h-5 w-24 rounded-full', 'h-4 w-32', 'ml-auto h-4 w-28'] },
          empty: {
            icon: UploadIcon,
            title: 'No imports yet',
            children: 'Import a CSV file of contacts who agreed to receive this list.',
          },
        }}
        rows={rows}
        columns={importColumns(workspaceId)}
        caption="Recent imports into this list"
      />
    </Card>
  );
}
