// Campaigns for the dashboard (#31, docs/campaigns.md): drafts (`campaigns.list/get/create/update/
// duplicate/remove`), the preview (rendered for a contact or sample values; the dashboard shows its HTML
// in a sandboxed iframe), test sends, the pre-send checklist, the state machine (`schedule/pause/resume/
// cancel`), metrics, and the footer's postal address (`campaigns.settings.*`, per workspace and per
// sender). Permissions: campaigns.view to read, campaigns.manage to compose drafts, campaigns.send to
// send (schedule, pause, resume, cancel, test sends, postal addresses). The public API's twin is
// http/v1/campaigns.ts.
import {
  ZCampaign,
  ZCampaignCreateRequest,
  ZCampaignListRequest,
  ZCampaignMetrics,
  ZCampaignMetricsRequest,
  ZCampaignPage,
  ZCampaignPreviewRequest,
  ZCampaignRef,
  ZCampaignScheduleRequest,
  ZCampaignSettings,
  ZCampaignSettingsUpdateRequest,
  ZCampaignTestSendRequest,
  ZCampaignUpdateRequest,
  ZChecklist,
  ZOk,
  ZRenderedMessage,
  ZTestSendResult,
  ZWorkspaceScoped,
} from '@postern/contracts';
import {
  campaignChecklist,
  campaignMetrics,
  cancelCampaign,
  createCampaign,
  deleteCampaign,
  duplicateCampaign,
  getCampaign,
  getCampaignSettings,
  listCampaigns,
  pauseCampaign,
  previewCampaign,
  resumeCampaign,
  scheduleCampaign,
  sendTestCampaign,
  updateCampaign,
  updateCampaignSettings,
} from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

const view = workspaceProcedure.meta({ permission: 'campaigns.view' });
const manage = workspaceProcedure.meta({ permission: 'campaigns.manage' });
const send = workspaceProcedure.meta({ permission: 'campaigns.send' });

const settingsRouter = router({
  get: view
    .input(ZWorkspaceScoped)
    .output(ZCampaignSettings)
    .query(({ ctx, input }) => getCampaignSettings(ctx.core, input.workspaceId)),
  /** The workspace's postal address and/or senders' own ones (empty clears). */
  update: send
    .input(ZCampaignSettingsUpdateRequest)
    .output(ZCampaignSettings)
    .mutation(({ ctx, input: { workspaceId, ...settings } }) =>
      updateCampaignSettings(ctx.core, workspaceId, settings),
    ),
});

export const campaignsRouter = router({
  list: view
    .input(ZCampaignListRequest)
    .output(ZCampaignPage)
    .query(({ ctx, input: { workspaceId, ...query } }) => listCampaigns(ctx.core, workspaceId, query)),

  get: view
    .input(ZCampaignRef)
    .output(ZCampaign)
    .query(({ ctx, input }) => getCampaign(ctx.core, input.workspaceId, input.campaignId)),

  create: manage
    .input(ZCampaignCreateRequest)
    .output(ZCampaign)
    .mutation(({ ctx, input: { workspaceId, ...draft } }) => createCampaign(ctx.core, workspaceId, draft)),

  update: manage
    .input(ZCampaignUpdateRequest)
    .output(ZCampaign)
    .mutation(({ ctx, input }) => updateCampaign(ctx.core, input.workspaceId, input.campaignId, input.data)),

  duplicate: manage
    .input(ZCampaignRef)
    .output(ZCampaign)
    .mutation(({ ctx, input }) => duplicateCampaign(ctx.core, input.workspaceId, input.campaignId)),

  /** Drafts only (a campaign that was scheduled keeps its record: cancel it). */
  remove: manage
    .input(ZCampaignRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await deleteCampaign(ctx.core, input.workspaceId, input.campaignId);
      return { ok: true as const };
    }),

  /** Rendered as a recipient gets it (for a contact, or sample values): { subject, html, text, headers }. */
  preview: view
    .input(ZCampaignPreviewRequest)
    .output(ZRenderedMessage)
    .query(({ ctx, input: { workspaceId, campaignId, ...which } }) =>
      previewCampaign(ctx.core, workspaceId, campaignId, which),
    ),

  /** One message through the sender, subject "[Test] …", to the addresses given or the member's own. */
  testSend: send
    .input(ZCampaignTestSendRequest)
    .output(ZTestSendResult)
    .mutation(({ ctx, input: { workspaceId, campaignId, ...rest } }) =>
      sendTestCampaign(ctx.core, workspaceId, campaignId, rest),
    ),

  checklist: view
    .input(ZCampaignRef)
    .output(ZChecklist)
    .query(({ ctx, input }) => campaignChecklist(ctx.core, input.workspaceId, input.campaignId)),

  schedule: send
    .input(ZCampaignScheduleRequest)
    .output(ZCampaign)
    .mutation(({ ctx, input: { workspaceId, campaignId, ...schedule } }) =>
      scheduleCampaign(ctx.core, workspaceId, campaignId, schedule),
    ),

  pause: send
    .input(ZCampaignRef)
    .output(ZCampaign)
    .mutation(({ ctx, input }) => pauseCampaign(ctx.core, input.workspaceId, input.campaignId)),

  resume: send
    .input(ZCampaignRef)
    .output(ZCampaign)
    .mutation(({ ctx, input }) => resumeCampaign(ctx.core, input.workspaceId, input.campaignId)),

  cancel: send
    .input(ZCampaignRef)
    .output(ZCampaign)
    .mutation(({ ctx, input }) => cancelCampaign(ctx.core, input.workspaceId, input.campaignId)),

  metrics: view
    .input(ZCampaignMetricsRequest)
    .output(ZCampaignMetrics)
    .query(({ ctx, input: { workspaceId, campaignId, ...query } }) =>
      campaignMetrics(ctx.core, workspaceId, campaignId, query),
    ),

  settings: settingsRouter,
});
