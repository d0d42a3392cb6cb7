// /v1/campaigns (#31, docs/campaigns.md): create a draft, read one, list them (keyset pages, newest
// first), and move them: schedule (refused with 409 CONFLICT while the pre-send checklist has an error,
// e.g. no postal address; `details.item` names it), pause, resume, cancel; and the metrics. Reading
// needs campaigns:read, everything else campaigns:write. The API key is the actor (audit, created_by).
// Composing in depth (previews, test sends, the checklist) is the dashboard's.
import {
  ZCampaign,
  ZCampaignMetrics,
  ZCampaignPage,
  ZCreateCampaign,
  ZListCampaignsQuery,
  ZMetricsQuery,
  ZSchedule,
} from '@postern/contracts';
import {
  campaignMetrics,
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
  scheduleCampaign,
} from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../../deps.ts';
import { idempotencyHeaders, idempotentCreate } from './contacts-idempotency.ts';
import { idempotencyErrors, invalidInput, keyContext, notFoundErrors, ZIdParams } from './contacts-shared.ts';
import { authErrors, ok, withError } from './schemas.ts';

const stateConflict = withError(
  'The campaign is not in a state this allows (CONFLICT; `details.status`), or (schedule) the pre-send checklist has an error or an unacknowledged warning (`details.reason`, `details.item`: e.g. postal_address)',
);

export async function campaignRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  await app.register(readRoutes, opts);
  await app.register(writeRoutes, opts);
}

/** List, one campaign, its metrics. */
async function readRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/campaigns',
    {
      config: { scope: 'campaigns:read' },
      schema: {
        operationId: 'listCampaigns',
        summary: 'Campaigns of the workspace, newest first (without their bodies); filter by status',
        querystring: ZListCampaignsQuery,
        response: {
          200: ok(ZCampaignPage),
          ...authErrors,
          400: withError('The cursor is not one this API returned'),
          422: invalidInput('a query parameter'),
        },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return listCampaigns(ctx, workspaceId, req.query);
    },
  );

  routes.get(
    '/campaigns/:id',
    {
      config: { scope: 'campaigns:read' },
      schema: {
        operationId: 'getCampaign',
        summary: 'One campaign with its content, schedule and counters',
        params: ZIdParams,
        response: { 200: ok(ZCampaign), ...notFoundErrors('campaign') },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return getCampaign(ctx, workspaceId, req.params.id);
    },
  );

  routes.get(
    '/campaigns/:id/metrics',
    {
      config: { scope: 'campaigns:read' },
      schema: {
        operationId: 'getCampaignMetrics',
        summary: 'Counters, recipients by state, and messages sent per hour or day (cut in a time zone)',
        params: ZIdParams,
        querystring: ZMetricsQuery,
        response: {
          200: ok(ZCampaignMetrics),
          ...notFoundErrors('campaign'),
          422: invalidInput('bucket or timeZone'),
        },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return campaignMetrics(ctx, workspaceId, req.params.id, req.query);
    },
  );
}

/** Create a draft, and the state changes. */
async function writeRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '/campaigns',
    {
      config: { scope: 'campaigns:write' },
      schema: {
        operationId: 'createCampaign',
        summary:
          'Create a draft: name, subject and HTML with merge fields ({{ contact.name | default: "there" }}), sender mailbox, list',
        headers: idempotencyHeaders,
        body: ZCreateCampaign,
        response: {
          201: ok(ZCampaign, 'Created'),
          200: ok(
            ZCampaign,
            'A repeat of an Idempotency-Key: the draft the first request made, as it is now',
          ),
          ...authErrors,
          ...idempotencyErrors,
          404: withError('mailboxId or listId names no mailbox or list of this workspace'),
          409: withError('An Idempotency-Key repeat is still in progress'),
        },
      },
    },
    (req, reply) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return idempotentCreate({
        deps,
        req,
        reply,
        workspaceId,
        body: req.body,
        run: async () => {
          const campaign = await createCampaign(ctx, workspaceId, req.body);
          return { body: campaign, ref: campaign.id };
        },
        replay: (id) => getCampaign(keyContext(deps, req).ctx, workspaceId, id),
      });
    },
  );

  routes.post(
    '/campaigns/:id/schedule',
    {
      config: { scope: 'campaigns:write' },
      schema: {
        operationId: 'scheduleCampaign',
        summary:
          'Schedule a draft: now, at an instant (2027-01-15T14:00:00Z) or at a wall-clock time in an IANA time zone (2027-01-15T09:00 + Europe/Berlin)',
        params: ZIdParams,
        body: ZSchedule,
        response: {
          200: ok(ZCampaign),
          ...notFoundErrors('campaign'),
          409: stateConflict,
          422: invalidInput('at or timeZone'),
        },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return scheduleCampaign(ctx, workspaceId, req.params.id, req.body);
    },
  );

  const moves = [
    ['pause', 'pauseCampaign', 'Pause a scheduled or sending campaign', pauseCampaign],
    [
      'resume',
      'resumeCampaign',
      'Resume a paused campaign (sending again, or scheduled if it had not started)',
      resumeCampaign,
    ],
    ['cancel', 'cancelCampaign', 'Cancel a campaign that has not ended (final)', cancelCampaign],
  ] as const;
  for (const [action, operationId, summary, move] of moves)
    routes.post(
      `/campaigns/:id/${action}`,
      {
        config: { scope: 'campaigns:write' },
        schema: {
          operationId,
          summary,
          params: ZIdParams,
          response: { 200: ok(ZCampaign), ...notFoundErrors('campaign'), 409: stateConflict },
        },
      },
      (req) => {
        const { ctx, workspaceId } = keyContext(deps, req);
        return move(ctx, workspaceId, req.params.id);
      },
    );
}
