// The band of filters above a list (#17): the fields in a grid, a Clear button, and below them
// whatever sums the choice up (chips). The date range is a pair of day pickers, both days included.
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';
import type { DayRange } from '../../lib/day-range.ts';
import { Button } from '../button.tsx';
import { Field } from '../field.tsx';

export function FilterBar<F extends DayRange>({
  testId,
  filters,
  onChange,
  cleared,
  filtered,
  dates,
  clearTestId = 'clear-filters',
  gridClassName,
  children,
  footer,
}: {
  testId: string;
  filters: F;
  onChange: (next: F) => void;
  /** The filters after Clear. */
  cleared: F;
  filtered: boolean;
  /** From / To day pickers after the other fields; `problem` says why the range cannot be used. */
  dates?: { problem: string | undefined };
  clearTestId?: string;
  /** The columns on wide screens, e.g. `lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto]`. */
  gridClassName?: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="border-b border-slate-100 bg-slate-50/40 px-5 py-4 sm:px-6" data-testid={testId}>
      <div className={cn('grid gap-4 sm:grid-cols-2 lg:items-end', gridClassName)}>
        {children}
        {dates ? (
          <DateRangeFields
            range={filters}
            onChange={(range) => onChange({ ...filters, ...range })}
            problem={dates.problem}
          />
        ) : null}
        <Button
          variant="ghost"
          onClick={() => onChange(cleared)}
          disabled={!filtered}
          data-testid={clearTestId}
        >
          Clear
        </Button>
      </div>
      {footer}
    </div>
  );
}

/** From and To day pickers; `problem` (the start after the end) shows under From. */
export function DateRangeFields({
  range,
  onChange,
  problem,
}: {
  range: DayRange;
  onChange: (range: DayRange) => void;
  problem?: string | undefined;
}) {
  return (
    <>
      <Field
        label="From"
        type="date"
        testId="from-filter"
        value={range.from ?? ''}
        max={range.to}
        onChange={(event) => onChange({ ...range, from: event.target.value || undefined })}
        error={problem}
      />
      <Field
        label="To"
        type="date"
        testId="to-filter"
        value={range.to ?? ''}
        min={range.from}
        onChange={(event) => onChange({ ...range, to: event.target.value || undefined })}
      />
    </>
  );
}
