// Webhook endpoints of a workspace, their signing secrets and delivery logs (owners and admins; see
// docs/webhooks.md). Transport only: every rule lives in core/webhooks.
import {
  WEBHOOK_EVENT_TYPES,
  ZCreatedWebhookEndpoint,
  ZCreateWebhookEndpointRequest,
  ZOk,
  ZQueuedWebhookDelivery,
  ZResendWebhookDeliveryRequest,
  ZRotateWebhookSecretRequest,
  ZUpdateWebhookEndpointRequest,
  ZWebhookDeliveriesRequest,
  ZWebhookDeliveryPage,
  ZWebhookEndpoint,
  ZWebhookEndpointList,
  ZWebhookEndpointRef,
  ZWebhookSecret,
  ZWorkspaceScoped,
} from '@postern/contracts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  resendWebhookDelivery,
  revealWebhookSecret,
  rotateWebhookSecret,
  sendWebhookTest,
  updateWebhookEndpoint,
} from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const webhooksRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'webhooks.read' })
    .input(ZWorkspaceScoped)
    .output(ZWebhookEndpointList)
    .query(async ({ ctx, input }) => ({
      endpoints: await listWebhookEndpoints(ctx.core, input.workspaceId),
      eventTypes: [...WEBHOOK_EVENT_TYPES],
    })),

  get: workspaceProcedure
    .meta({ permission: 'webhooks.read' })
    .input(ZWebhookEndpointRef)
    .output(ZWebhookEndpoint)
    .query(({ ctx, input }) => getWebhookEndpoint(ctx.core, input.workspaceId, input.endpointId)),

  /** Returns the signing secret once; later only revealSecret shows it. */
  create: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZCreateWebhookEndpointRequest)
    .output(ZCreatedWebhookEndpoint)
    .mutation(({ ctx, input }) => createWebhookEndpoint(ctx.core, input.workspaceId, ctx.user.id, input)),

  update: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZUpdateWebhookEndpointRequest)
    .output(ZWebhookEndpoint)
    .mutation(({ ctx, input }) => updateWebhookEndpoint(ctx.core, input.workspaceId, ctx.user.id, input)),

  delete: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZWebhookEndpointRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await deleteWebhookEndpoint(ctx.core, input.workspaceId, ctx.user.id, input.endpointId);
      return { ok: true as const };
    }),

  /** The signing secret (and the previous one during a rotation overlap); audited. */
  revealSecret: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZWebhookEndpointRef)
    .output(ZWebhookSecret)
    .mutation(({ ctx, input }) =>
      revealWebhookSecret(ctx.core, input.workspaceId, ctx.user.id, input.endpointId),
    ),

  /** A new secret; the previous one keeps signing too for `overlapHours` (default 24). */
  rotateSecret: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZRotateWebhookSecretRequest)
    .output(ZWebhookSecret)
    .mutation(({ ctx, input }) =>
      rotateWebhookSecret(ctx.core, input.workspaceId, ctx.user.id, input.endpointId, input.overlapHours),
    ),

  deliveries: workspaceProcedure
    .meta({ permission: 'webhooks.read' })
    .input(ZWebhookDeliveriesRequest)
    .output(ZWebhookDeliveryPage)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.core, input.workspaceId, input)),

  /** One more round of attempts for a finished delivery, same webhook-id and body. */
  resend: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZResendWebhookDeliveryRequest)
    .output(ZQueuedWebhookDelivery)
    .mutation(async ({ ctx, input }) => {
      const delivery = await resendWebhookDelivery(
        ctx.core,
        input.workspaceId,
        ctx.user.id,
        input.deliveryId,
      );
      return { delivery };
    }),

  /** Queues a `webhook.test` event to the endpoint. */
  sendTest: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZWebhookEndpointRef)
    .output(ZQueuedWebhookDelivery)
    .mutation(async ({ ctx, input }) => {
      const delivery = await sendWebhookTest(ctx.core, input.workspaceId, input.endpointId);
      return { delivery };
    }),
});
