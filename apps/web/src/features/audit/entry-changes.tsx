// What an audit entry changed (`metadata.from` → `metadata.to`), in its row and its details.
import { cn } from '../../lib/cn.ts';
import { entryChanges } from './audit-events.ts';

export function EntryChanges({
  metadata,
  testId = 'audit-change',
  className,
}: {
  metadata: Record<string, unknown> | null;
  testId?: string;
  className?: string;
}) {
  const changes = entryChanges(metadata);
  if (!changes.length) return null;
  return (
    <ul className={cn('space-y-0.5 text-xs text-slate-600', className)} data-testid={testId}>
      {changes.map((change) => (
        <li key={change.field ?? ''} className="break-words">
          {change.field ? <span className="text-slate-500">{change.field}: </span> : null}
          <span data-testid="change-from">{change.from}</span>
          <span aria-hidden="true"> → </span>
          <span className="sr-only"> changed to </span>
          <span className="font-medium text-slate-900" data-testid="change-to">
            {change.to}
          </span>
        </li>
      ))}
    </ul>
  );
}
