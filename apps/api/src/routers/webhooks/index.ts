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
  requestWebhookDispatch,
  resendWebhookDelivery,
  revealWebhookSecret,
  rotateWebhookSecret,
  sendWebhookTest,
  targetPolicyFor,
  updateWebhookEndpoint,
  type WebhookContext,
} from '@postern/core';
import { type Context, router, workspaceProcedure } from '../../trpc.ts';

const webhookContext = (ctx: Context): WebhookContext => ({
  em: ctx.em,
  clock: ctx.deps.clock,
  keyring: ctx.deps.keyring,
  meta: ctx.members.meta,
  targets: targetPolicyFor(ctx.deps.config),
});

export const webhooksRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'webhooks.read' })
    .input(ZWorkspaceScoped)
    .output(ZWebhookEndpointList)
    .query(async ({ ctx, input }) => ({
      endpoints: await listWebhookEndpoints(ctx.em, ctx.deps.keyring, ctx.deps.clock, input.workspaceId),
      eventTypes: [...WEBHOOK_EVENT_TYPES],
    })),

  get: workspaceProcedure
    .meta({ permission: 'webhooks.read' })
    .input(ZWebhookEndpointRef)
    .output(ZWebhookEndpoint)
    .query(({ ctx, input }) =>
      getWebhookEndpoint(ctx.em, ctx.deps.keyring, ctx.deps.clock, input.workspaceId, input.endpointId),
    ),

  /** Returns the signing secret once; later only revealSecret shows it. */
  create: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZCreateWebhookEndpointRequest)
    .output(ZCreatedWebhookEndpoint)
    .mutation(({ ctx, input }) =>
      createWebhookEndpoint(webhookContext(ctx), input.workspaceId, ctx.user.id, input),
    ),

  update: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZUpdateWebhookEndpointRequest)
    .output(ZWebhookEndpoint)
    .mutation(({ ctx, input }) =>
      updateWebhookEndpoint(webhookContext(ctx), input.workspaceId, ctx.user.id, input),
    ),

  delete: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZWebhookEndpointRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await deleteWebhookEndpoint(webhookContext(ctx), input.workspaceId, ctx.user.id, input.endpointId);
      return { ok: true as const };
    }),

  /** The signing secret (and the previous one during a rotation overlap); audited. */
  revealSecret: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZWebhookEndpointRef)
    .output(ZWebhookSecret)
    .mutation(({ ctx, input }) =>
      revealWebhookSecret(webhookContext(ctx), input.workspaceId, ctx.user.id, input.endpointId),
    ),

  /** A new secret; the previous one keeps signing too for `overlapHours` (default 24). */
  rotateSecret: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZRotateWebhookSecretRequest)
    .output(ZWebhookSecret)
    .mutation(({ ctx, input }) =>
      rotateWebhookSecret(
        webhookContext(ctx),
        input.workspaceId,
        ctx.user.id,
        input.endpointId,
        input.overlapHours,
      ),
    ),

  deliveries: workspaceProcedure
    .meta({ permission: 'webhooks.read' })
    .input(ZWebhookDeliveriesRequest)
    .output(ZWebhookDeliveryPage)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.em, input.workspaceId, input)),

  /** One more round of attempts for a finished delivery, same webhook-id and body. */
  resend: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZResendWebhookDeliveryRequest)
    .output(ZQueuedWebhookDelivery)
    .mutation(async ({ ctx, input }) => {
      const delivery = await resendWebhookDelivery(
        webhookContext(ctx),
        input.workspaceId,
        ctx.user.id,
        input.deliveryId,
      );
      await requestWebhookDispatch(ctx.deps.boss, 'resend');
      return { delivery };
    }),

  /** Queues a `webhook.test` event to the endpoint. */
  sendTest: workspaceProcedure
    .meta({ permission: 'webhooks.manage' })
    .input(ZWebhookEndpointRef)
    .output(ZQueuedWebhookDelivery)
    .mutation(async ({ ctx, input }) => {
      const delivery = await sendWebhookTest(webhookContext(ctx), input.workspaceId, input.endpointId);
      await requestWebhookDispatch(ctx.deps.boss, 'test');
      return { delivery };
    }),
});
