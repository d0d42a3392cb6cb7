// Calendar days → the inclusive instants of the date-range convention (see ../date-range.ts).

/** `YYYY-MM-DD` days in the local time zone → `{ from, to }` instants, both inclusive. */
export function dayRangeToInstants(range: { fromDay?: string; toDay?: string }): {
  from?: string;
  to?: string;
} {
  const local = (day: string, h: number, m: number, s: number, ms: number) => {
    const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
    return new Date(y, mo - 1, d, h, m, s, ms).toISOString();
  };
  return {
    ...(range.fromDay ? { from: local(range.fromDay, 0, 0, 0, 0) } : {}),
    ...(range.toDay ? { to: local(range.toDay, 23, 59, 59, 999) } : {}),
  };
}
