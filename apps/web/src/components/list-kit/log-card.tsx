// The card around a server-paged log or list (audit entries, webhook deliveries, suppressions): the
// table runs to its edges, and a spinner in its corner says when the rows shown are being re-read.
import type { ComponentProps } from 'react';
import { Card } from '../card.tsx';
import { type QueryLike, Refreshing } from './query-state.tsx';

export function LogCard({
  log,
  ...card
}: Omit<ComponentProps<typeof Card>, 'bodyClassName' | 'actions'> & {
  log: QueryLike & { isFetchingNextPage?: boolean };
}) {
  return <Card {...card} bodyClassName="p-0" actions={<Refreshing query={log} />} />;
}
