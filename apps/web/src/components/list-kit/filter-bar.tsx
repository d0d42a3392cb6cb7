// The band of filters above a list (#17): the fields in a grid, a Clear button, and below them
// whatever sums the choice up (chips). The date range is a pair of day pickers, both days included.
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';
import { type DayRange, dayRangeProblem } from '../../lib/day-range.ts';
import { Button } from '../button.tsx';
import { Field } from '../field.tsx';

export function FilterBar<F extends object>({
  testId,
  filters,
  onChange,
  cleared,
  filtered = !sameFilterValues(filters, cleared),
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
  /** Whether Clear has anything to clear; by default, whether `filters` differ from `cleared`. */
  filtered?: boolean;
  /**
   * From / To day pickers after the other fields (filters with a day range only), saying under From
   * when the range cannot be used (dayRangeProblem: the page does not query then).
   */
  dates?: F extends DayRange ? boolean : never;
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
            range={filters as DayRange}
            onChange={(range) => onChange({ ...filters, ...range })}
            problem={dayRangeProblem(filters as DayRange)}
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

/**
 * Equal as filters, without a codec (lib/use-url-filters compares query strings): an unset value, ''
 * and an empty list are all no filter.
 */
export function sameFilterValues(a: object, b: object): boolean {
  const value = (filters: object, key: string) => {
    const raw: unknown = (filters as Record<string, unknown>)[key];
    return Array.isArray(raw) ? raw.join('\n') : String(raw ?? '');
  };
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => value(a, key) === value(b, key));
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
  const ends = [
    { key: 'from', label: 'From', bounds: { max: range.to }, error: problem },
    { key: 'to', label: 'To', bounds: { min: range.from }, error: undefined },
  ] as const;
  return ends.map(({ key, label, bounds, error }) => (
    <Field
      key={key}
      label={label}
      type="date"
      testId={`${key}-filter`}
      value={range[key] ?? ''}
      {...bounds}
      onChange={(event) => onChange({ ...range, [key]: event.target.value || undefined })}
      error={error}
    />
  ));
}
