// The one date-range convention of every endpoint that filters by time (#17): `from` and `to` are ISO
// 8601 instants and BOTH are inclusive — `from ≤ t ≤ to`. A dashboard that lets people pick calendar
// days sends the start of the first day and the last millisecond of the last day in their time zone
// (dayRangeToInstants in the constants entry), so "1 to 3 March" includes all of 3 March.
import { z } from 'zod';

export const ZDateRange = z
  .object({
    /** Inclusive lower bound. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Inclusive upper bound. */
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((r) => !r.from || !r.to || Date.parse(r.from) <= Date.parse(r.to), {
    message: 'The start of the range must not be after its end',
    path: ['to'],
  });
export type DateRange = z.infer<typeof ZDateRange>;
