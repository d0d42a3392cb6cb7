// /v1/suppressions: the workspace's suppression list — addresses never mailed again, with why
// (unsubscribed, bounced, complained, manual). Reading needs contacts:read; adding and removing manual
// entries suppressions:write. Only manual entries can be removed: the others are the person's own
// choice or the mail system's verdict, lifted only by the person subscribing again through double
// opt-in (core contacts/suppressions.ts).
import {
  ZAddSuppressions,
  ZAddSuppressionsResult,
  ZListSuppressionsQuery,
  ZSuppressionPage,
} from '@postern/contracts';
import { addSuppressions, listSuppressions, removeSuppression } from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { resourceRoutes } from './resource-routes.ts';
import { withError } from './schemas.ts';

export async function suppressionRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { create, list, member } = resourceRoutes(app, opts.deps);

  list({
    path: '/suppressions',
    scope: 'contacts:read',
    operationId: 'listSuppressions',
    summary: 'Suppressed addresses of the workspace, newest first, optionally of one reason',
    query: ZListSuppressionsQuery,
    page: ZSuppressionPage,
    invalidQuery: withError('A query parameter is not valid'),
    list: ({ ctx, workspaceId }, req) => listSuppressions(ctx, workspaceId, req.query),
  });

  create({
    path: '/suppressions',
    scope: 'suppressions:write',
    operationId: 'addSuppressions',
    summary:
      'Suppress addresses by hand (reason manual; 1 to 10,000). All or nothing: one invalid address refuses the whole list',
    description:
      'Addresses already suppressed (for any reason) are left as they are and counted in `existing`. Each new entry sends a `contact.suppressed` webhook event.',
    body: ZAddSuppressions,
    result: ZAddSuppressionsResult,
    created: 'Added',
    replayed: 'A repeat of an Idempotency-Key: the first answer',
    run: async ({ ctx, workspaceId }, req) => {
      const result = await addSuppressions(ctx, workspaceId, req.body);
      return { body: result, ref: JSON.stringify(result) };
    },
    replay: async (_key, ref) => ZAddSuppressionsResult.parse(JSON.parse(ref)),
  });

  member('delete', {
    path: '/suppressions/:id',
    scope: 'suppressions:write',
    operationId: 'removeSuppression',
    summary: 'Remove a manual suppression (unsubscribed, bounced and complained ones cannot be removed)',
    what: 'suppression',
    answer: { noContent: 'Removed' },
    errors: {
      409: withError(
        'The entry is not manual: the person unsubscribed, bounced or complained; only they can lift it by subscribing again through double opt-in',
      ),
    },
    handle: ({ ctx, workspaceId }, req) => removeSuppression(ctx, workspaceId, req.params.id),
  });
}
