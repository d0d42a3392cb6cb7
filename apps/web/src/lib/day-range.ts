// Calendar-day filters (`?from=2026-03-01&to=2026-03-03`) under the contract's date-range convention
// (packages/contracts/src/date-range.ts): both days are included, and the API gets the instants from
// the start of the first day to the last millisecond of the last one, in the viewer's time zone.
import { dayRangeToInstants } from '@postern/contracts/constants';

export interface DayRange {
  /** YYYY-MM-DD, the first day included. */
  from?: string | undefined;
  /** YYYY-MM-DD, the last day included. */
  to?: string | undefined;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written YYYY-MM-DD (not 2026-02-31). */
export function isDay(value: string | null | undefined): value is string {
  const match = value ? DAY.exec(value) : null;
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d;
}

/** The valid days of `?from=&to=`; junk is dropped. */
export function dayRangeFromSearch(params: URLSearchParams): DayRange {
  const from = params.get('from');
  const to = params.get('to');
  return { ...(isDay(from) ? { from } : {}), ...(isDay(to) ? { to } : {}) };
}

export function dayRangeToSearch(range: DayRange, params: URLSearchParams): void {
  if (range.from) params.set('from', range.from);
  if (range.to) params.set('to', range.to);
}

/** Why the range cannot be used, if it cannot. */
export function dayRangeProblem<R extends DayRange>(range: R): string | undefined {
  if (range.from && range.to && range.from > range.to) return 'The start date is after the end date.';
  return undefined;
}

/** The API's `from`/`to` (both inclusive instants) for the chosen days; absent days are left out. */
export function dayRangeInput(range: DayRange): { from?: string; to?: string } {
  return dayRangeToInstants({
    ...(range.from ? { fromDay: range.from } : {}),
    ...(range.to ? { toDay: range.to } : {}),
  });
}
