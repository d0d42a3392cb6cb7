// Response descriptions shared by the /v1 routes' schemas (the OpenAPI document is generated from them).
import { ZErrorBody } from '@postern/contracts';
import { z } from 'zod';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ZErrorBody } },
});

/** Every authenticated route can answer these. */
export const authErrors = {
  400: error('Bad request (e.g. an API key in the query string)'),
  401: error('Missing, unknown or revoked API key (UNAUTHENTICATED), or an expired one (API_KEY_EXPIRED)'),
  403: error(
    "The key lacks this operation's scope (INSUFFICIENT_SCOPE; the message names it), or its workspace is suspended (ACCOUNT_DISABLED)",
  ),
  429: error('Rate limit reached; retry after Retry-After seconds'),
};

/** Routes that name a job. */
export const jobErrors = {
  ...authErrors,
  404: error("No such job in this workspace (also for another workspace's job)"),
};

export const withError = error;

/** A 200 answer with a JSON body of `schema`. */
export const ok = <S extends z.ZodType>(schema: S, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

/** A job's id in the path (a malformed one is simply not found). */
export const ZJobIdParams = z.object({ id: z.string().describe('The job id (UUID)') });
