// Campaigns (#31, docs/campaigns.md): composing, previews and test sends, the pre-send checklist, the
// state machine and metrics. The sending engine (snapshot, verify-before-send, batches, throttle,
// unsubscribe) is sending/. Every function takes `ctx` and the workspace id first; another
// workspace's campaign is NOT_FOUND; inputs are parsed with the contracts' schemas (VALIDATION_FAILED).
//
// Composing (campaigns.ts; audited campaign.*)
//   createCampaign / updateCampaign (drafts only) / getCampaign / listCampaigns (keyset) /
//   duplicateCampaign (a new draft) / deleteCampaign (drafts only)
// Rendering (render.ts, message.ts)
//   buildCampaignMessage(input) → { from, to, replyTo?, subject, html, text, headers, messageId }
//   renderHtml / renderText / checkTemplate / htmlToText (LiquidJS, escaped HTML, no file system)
// Preview and test send (preview.ts): previewCampaign → { subject, html, text, headers }; sendTestCampaign
// Checklist (checklist.ts): campaignChecklist → { items, ready, audience }
// State (state.ts): scheduleCampaign / pauseCampaign / resumeCampaign / cancelCampaign
// Metrics (metrics.ts): campaignMetrics → counters, recipients by state, sends per hour/day in a zone
// Settings (postal.ts): getCampaignSettings / updateCampaignSettings / effectivePostalAddress
export {
  createCampaign,
  deleteCampaign,
  duplicateCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from './campaigns.ts';
export { campaignChecklist, campaignChecklistOf } from './checklist.ts';
export {
  type BuildCampaignMessageInput,
  buildCampaignMessage,
  type CampaignContent,
  type CampaignMessage,
} from './message.ts';
export { campaignMetrics } from './metrics.ts';
export { effectivePostalAddress, getCampaignSettings, updateCampaignSettings } from './postal.ts';
export { previewCampaign, sendTestCampaign } from './preview.ts';
export { checkTemplate, htmlToText, type MergeContact, renderHtml, renderText } from './render.ts';
export { purgeEndedCampaigns } from './retention.ts';
export * from './sending/index.ts';
export {
  type CampaignsCtx,
  campaignDto,
  campaignEventData,
  campaignSummary,
  countersOf,
  findCampaign,
} from './shared.ts';
export { cancelCampaign, pauseCampaign, resumeCampaign, scheduleCampaign } from './state.ts';
export { canonicalTimeZone, resolveScheduleTime, zonedToInstant } from './time.ts';
