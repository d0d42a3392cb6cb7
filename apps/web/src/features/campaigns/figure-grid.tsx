// Counts shown as a grid of small tiles (a campaign's report, its audience on the checklist): each a
// label over a number, with a data attribute naming it for the e2e suites.
import { cn } from '../../lib/cn.ts';
import { formatCount } from './campaigns-model.ts';

export interface Figure {
  id: string;
  label: string;
  value: number;
  /** Said when the pointer rests on the tile. */
  hint?: string;
}

export function FigureGrid({
  figures,
  testId,
  columns,
  idAttribute,
  large = false,
}: {
  figures: readonly Figure[];
  testId: string;
  /** The grid's columns past the two of a phone, e.g. `sm:grid-cols-5`. */
  columns: string;
  /** Where each tile's id is: `data-metric="recipients"`. */
  idAttribute: 'data-metric' | 'data-figure';
  large?: boolean;
}) {
  return (
    <dl className={cn('grid grid-cols-2 gap-3', columns)} data-testid={testId}>
      {figures.map((figure) => (
        <div
          key={figure.id}
          className={cn('rounded-lg bg-slate-50 px-3', large ? 'py-2.5' : 'py-2')}
          title={figure.hint}
          {...{ [idAttribute]: figure.id }}
        >
          <dt className="text-xs text-slate-600">{figure.label}</dt>
          <dd
            className={cn('mt-0.5 font-semibold text-slate-900 tabular-nums', large ? 'text-xl' : 'text-lg')}
          >
            {formatCount(figure.value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
