// Domain error codes: core throws them, the API maps them (one table), clients branch on them.
import { z } from 'zod';
import { ERROR_CODES } from './constants/errors.ts';

export const ZErrorCode = z.enum(ERROR_CODES);

/** The one JSON shape of an error, on REST and inside tRPC's error `data`. */
export const ZErrorBody = z.object({
  code: ZErrorCode,
  message: z.string(),
  requestId: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ZErrorBody>;
