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
import type { ApiDeps } from '../../deps.ts';
import { invalidInput } from './contacts-shared.ts';
import { madeById, type ResourceRoutes, resourceRoutes } from './resource-routes.ts';
import { withError } from './schemas.ts';

const stateConflict = withError(
  'The campaign is not in a state this allows (CONFLICT; `details.status`), or (schedule) the pre-send checklist has an error or an unacknowledged warning (`details.reason`, `details.item`: e.g. postal_address)',
);

export async function campaignRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const routes = resourceRoutes(app, opts.deps);
  readRoutes(routes);
  writeRoutes(routes);
}

/** List, one campaign, its metrics. */
function readRoutes({ list, member }: ResourceRoutes) {
  const scope = 'campaigns:read';

  list({
    path: '/campaigns',
    scope,
    operationId: 'listCampaigns',
    summary: 'Campaigns of the workspace, newest first (without their bodies); filter by status',
    query: ZListCampaignsQuery,
    page: ZCampaignPage,
    list: ({ ctx, workspaceId }, req) => listCampaigns(ctx, workspaceId, req.query),
  });

  member('get', {
    path: '/campaigns/:id',
    scope,
    operationId: 'getCampaign',
    summary: 'One campaign with its content, schedule and counters',
    what: 'campaign',
    answer: ZCampaign,
    handle: ({ ctx, workspaceId }, req) => getCampaign(ctx, workspaceId, req.params.id),
  });

  member('get', {
    path: '/campaigns/:id/metrics',
    scope,
    operationId: 'getCampaignMetrics',
    summary: 'Counters, recipients by state, and messages sent per hour or day (cut in a time zone)',
    query: ZMetricsQuery,
    what: 'campaign',
    answer: ZCampaignMetrics,
    errors: { 422: invalidInput('bucket or timeZone') },
    handle: ({ ctx, workspaceId }, req) => campaignMetrics(ctx, workspaceId, req.params.id, req.query),
  });
}

/** Create a draft, and the state changes. */
function writeRoutes({ create, member }: ResourceRoutes) {
  const scope = 'campaigns:write';

  create({
    path: '/campaigns',
    scope,
    operationId: 'createCampaign',
    summary:
      'Create a draft: name, subject and HTML with merge fields ({{ contact.name | default: "there" }}), sender mailbox, list',
    body: ZCreateCampaign,
    result: ZCampaign,
    replayed: 'A repeat of an Idempotency-Key: the draft the first request made, as it is now',
    errors: {
      404: withError('mailboxId or listId names no mailbox or list of this workspace'),
      409: withError('An Idempotency-Key repeat is still in progress'),
    },
    ...madeById(createCampaign, getCampaign),
  });

  member('post', {
    path: '/campaigns/:id/schedule',
    scope,
    operationId: 'scheduleCampaign',
    summary:
      'Schedule a draft: now, at an instant (2027-01-15T14:00:00Z) or at a wall-clock time in an IANA time zone (2027-01-15T09:00 + Europe/Berlin)',
    body: ZSchedule,
    what: 'campaign',
    answer: ZCampaign,
    errors: { 409: stateConflict, 422: invalidInput('at or timeZone') },
    handle: ({ ctx, workspaceId }, req) => scheduleCampaign(ctx, workspaceId, req.params.id, req.body),
  });

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
    member('post', {
      path: `/campaigns/:id/${action}`,
      scope,
      operationId,
      summary,
      what: 'campaign',
      answer: ZCampaign,
      errors: { 409: stateConflict },
      handle: ({ ctx, workspaceId }, req) => move(ctx, workspaceId, req.params.id),
    });
}
