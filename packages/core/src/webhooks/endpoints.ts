// Webhook endpoints of a workspace (owners and admins): create (the secret is shown once), list, get,
// update, delete, reveal and rotate the signing secret. Every change is audited in the same transaction.
// URLs (which may carry a token) and secrets are keyring ciphertexts bound to (webhook_endpoint, id,
// url|secret|previous_secret); only the URL's host is stored in clear (`host`, for audit entries and
// notifications). URLs stored in clear before they were encrypted are read as they are until
// sealPlaintextWebhookUrls (run at every worker start) encrypts them.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import {
  WEBHOOK_MAX_ENDPOINTS,
  type WebhookDisabledReason,
  type WebhookEndpointDto,
} from '@postern/contracts';
import { type EntityManager, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '@postern/db';
import { auditChanges, recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import type { Keyring } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import {
  hostOf,
  openWebhookUrl,
  previousSecretContext,
  sealWebhookUrl,
  secretContext,
} from './endpoint-targets.ts';
import { disableEndpointInTx } from './record.ts';
import { generateWebhookSecret } from './signing.ts';
import { checkWebhookUrl, targetPolicyFor } from './targets.ts';

/** What endpoint operations use of the core context (target rules come from ctx.config). */
type WebhookCtx = Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'meta' | 'config'>;

const HOUR = 3_600_000;

/** The endpoint as the API shows it (its URL decrypted). */
export function webhookEndpointDto(
  keyring: Keyring,
  endpoint: WebhookEndpoint,
  now: Date,
): WebhookEndpointDto {
  const overlap = endpoint.previousSecretExpiresAt;
  return {
    id: endpoint.id,
    url: openWebhookUrl(keyring, endpoint.id, endpoint.url),
    description: endpoint.description ?? null,
    eventTypes: endpoint.eventTypes as WebhookEndpointDto['eventTypes'],
    enabled: endpoint.enabled,
    disabledReason: endpoint.enabled
      ? null
      : ((endpoint.disabledReason as WebhookDisabledReason | null) ?? null),
    disabledAt: endpoint.enabled ? null : (endpoint.disabledAt?.toISOString() ?? null),
    previousSecretExpiresAt:
      endpoint.previousSecret && overlap && overlap > now ? overlap.toISOString() : null,
    failingSince: endpoint.failingSince?.toISOString() ?? null,
    consecutiveFailures: endpoint.consecutiveFailures,
    lastSuccessAt: endpoint.lastSuccessAt?.toISOString() ?? null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

/** The endpoint of the workspace, or NOT_FOUND (another workspace's looks the same as none). */
export async function findWebhookEndpoint(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  endpointId: string,
): Promise<WebhookEndpoint> {
  const endpoint = await ctx.em.findOne(WebhookEndpoint, { id: endpointId, workspaceId }, { refresh: true });
  if (!endpoint) throw new DomainError('NOT_FOUND', 'No such webhook endpoint');
  return endpoint;
}

export async function listWebhookEndpoints(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  workspaceId: string,
): Promise<WebhookEndpointDto[]> {
  const endpoints = await ctx.em.find(
    WebhookEndpoint,
    { workspaceId },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  const now = ctx.clock.now();
  return endpoints.map((e) => webhookEndpointDto(ctx.keyring, e, now));
}

export async function getWebhookEndpoint(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  workspaceId: string,
  endpointId: string,
): Promise<WebhookEndpointDto> {
  const endpoint = await findWebhookEndpoint(ctx, workspaceId, endpointId);
  return webhookEndpointDto(ctx.keyring, endpoint, ctx.clock.now());
}

export interface CreateWebhookEndpointInput {
  url: string;
  description?: string | undefined;
  eventTypes: string[];
  enabled?: boolean | undefined;
}

export async function createWebhookEndpoint(
  ctx: WebhookCtx,
  workspaceId: string,
  actorId: string,
  input: CreateWebhookEndpointInput,
): Promise<{ endpoint: WebhookEndpointDto; secret: string }> {
  const url = checkWebhookUrl(targetPolicyFor(ctx.config), input.url).href;
  const count = await ctx.em.count(WebhookEndpoint, { workspaceId });
  if (count >= WEBHOOK_MAX_ENDPOINTS)
    throw new DomainError(
      'CONFLICT',
      `A workspace can have at most ${WEBHOOK_MAX_ENDPOINTS} webhook endpoints: delete one first`,
    );
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const now = ctx.clock.now();
  const enabled = input.enabled ?? true;
  const host = hostOf(url);
  const endpoint = ctx.em.create(WebhookEndpoint, {
    id,
    workspaceId,
    url: sealWebhookUrl(ctx.keyring, id, url),
    host,
    description: input.description?.trim() || null,
    eventTypes: [...new Set(input.eventTypes)],
    enabled,
    disabledReason: enabled ? null : 'manual',
    disabledAt: enabled ? null : now,
    secret: ctx.keyring.encrypt(secret, secretContext(id)),
    previousSecret: null,
    previousSecretExpiresAt: null,
    consecutiveFailures: 0,
    failingSince: null,
    lastSuccessAt: null,
    createdBy: actorId,
    createdAt: now,
    updatedAt: now,
  });
  recordAudit(ctx.em, ctx.clock, {
    type: 'webhook.endpoint_created',
    actorId,
    workspaceId,
    target: { type: 'webhook_endpoint', id },
    meta: ctx.meta,
    metadata: { host, eventTypes: endpoint.eventTypes, enabled },
  });
  await ctx.em.flush();
  return { endpoint: webhookEndpointDto(ctx.keyring, endpoint, now), secret };
}

export interface UpdateWebhookEndpointInput {
  endpointId: string;
  url?: string | undefined;
  description?: string | null | undefined;
  eventTypes?: string[] | undefined;
  enabled?: boolean | undefined;
}

export async function updateWebhookEndpoint(
  ctx: WebhookCtx,
  workspaceId: string,
  actorId: string,
  input: UpdateWebhookEndpointInput,
): Promise<WebhookEndpointDto> {
  const url =
    input.url === undefined ? undefined : checkWebhookUrl(targetPolicyFor(ctx.config), input.url).href;
  return ctx.em.transactional(async (tx) => {
    const endpoint = await tx.findOne(
      WebhookEndpoint,
      { id: input.endpointId, workspaceId },
      { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!endpoint) throw new DomainError('NOT_FOUND', 'No such webhook endpoint');
    const now = ctx.clock.now();
    const changes: string[] = [];
    const before = {
      host: endpoint.host,
      description: endpoint.description ?? null,
      eventTypes: [...endpoint.eventTypes],
      enabled: endpoint.enabled,
    };
    // Compared in clear: every encryption of the same URL differs.
    if (url !== undefined && url !== openWebhookUrl(ctx.keyring, endpoint.id, endpoint.url)) {
      endpoint.url = sealWebhookUrl(ctx.keyring, endpoint.id, url);
      endpoint.host = hostOf(url);
      changes.push('url');
    }
    if (input.description !== undefined) {
      const description = input.description?.trim() || null;
      if (description !== (endpoint.description ?? null)) {
        endpoint.description = description;
        changes.push('description');
      }
    }
    if (input.eventTypes !== undefined) {
      const types = [...new Set(input.eventTypes)];
      if ([...types].sort().join(',') !== [...endpoint.eventTypes].sort().join(',')) {
        endpoint.eventTypes = types;
        changes.push('eventTypes');
      }
    }
    let disabling = false;
    if (input.enabled === true && !endpoint.enabled) {
      endpoint.enabled = true;
      endpoint.disabledReason = null;
      endpoint.disabledAt = null;
      endpoint.consecutiveFailures = 0;
      endpoint.failingSince = null;
      changes.push('enabled');
    } else if (input.enabled === false && endpoint.enabled) {
      disabling = true;
      changes.push('enabled');
    }
    if (!changes.length) return webhookEndpointDto(ctx.keyring, endpoint, now);
    endpoint.updatedAt = now;
    await tx.flush();
    if (disabling)
      await disableEndpointInTx(tx, ctx.clock, endpoint.id, workspaceId, 'manual', actorId, ctx.meta);
    recordAudit(tx, ctx.clock, {
      type: disabling ? 'webhook.endpoint_disabled' : 'webhook.endpoint_updated',
      actorId,
      workspaceId,
      target: { type: 'webhook_endpoint', id: endpoint.id },
      meta: ctx.meta,
      metadata: {
        changes,
        ...(disabling ? { reason: 'manual' } : {}),
        ...(changes.includes('url') ? { fromHost: before.host, toHost: endpoint.host } : {}),
        ...(changes.includes('eventTypes') ? { eventTypes: endpoint.eventTypes } : {}),
        ...(changes.includes('enabled') ? { enabled: !disabling } : {}),
        // The URL by its host only (its path and query may hold secrets).
        ...auditChanges(
          changes.map((change) => (change === 'url' ? 'host' : change)),
          before,
          {
            host: endpoint.host,
            description: endpoint.description ?? null,
            eventTypes: endpoint.eventTypes,
            enabled: !disabling && endpoint.enabled,
          },
        ),
      },
    });
    await tx.flush();
    const fresh = await tx.findOneOrFail(WebhookEndpoint, { id: endpoint.id }, { refresh: true });
    return webhookEndpointDto(ctx.keyring, fresh, now);
  });
}

/** Deletes the endpoint with its delivery log; pending deliveries are never sent. */
export async function deleteWebhookEndpoint(
  ctx: WebhookCtx,
  workspaceId: string,
  actorId: string,
  endpointId: string,
): Promise<void> {
  await ctx.em.transactional(async (tx) => {
    const endpoint = await tx.findOne(
      WebhookEndpoint,
      { id: endpointId, workspaceId },
      { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!endpoint) throw new DomainError('NOT_FOUND', 'No such webhook endpoint');
    await tx.nativeDelete(WebhookAttempt, { endpointId });
    await tx.nativeDelete(WebhookDelivery, { endpointId });
    await tx.nativeDelete(WebhookEndpoint, { id: endpointId });
    recordAudit(tx, ctx.clock, {
      type: 'webhook.endpoint_deleted',
      actorId,
      workspaceId,
      target: { type: 'webhook_endpoint', id: endpointId },
      meta: ctx.meta,
      metadata: { host: endpoint.host },
    });
  });
}

export interface WebhookSecretView {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
}

function secretView(ctx: WebhookCtx, endpoint: WebhookEndpoint, now: Date): WebhookSecretView {
  const inOverlap =
    endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return {
    secret: ctx.keyring.decryptString(endpoint.secret, secretContext(endpoint.id)),
    previousSecret: inOverlap
      ? ctx.keyring.decryptString(endpoint.previousSecret as string, previousSecretContext(endpoint.id))
      : null,
    previousSecretExpiresAt: inOverlap ? (endpoint.previousSecretExpiresAt as Date).toISOString() : null,
  };
}

/** The signing secret (and the previous one during an overlap); audited. */
export async function revealWebhookSecret(
  ctx: WebhookCtx,
  workspaceId: string,
  actorId: string,
  endpointId: string,
): Promise<WebhookSecretView> {
  const endpoint = await findWebhookEndpoint(ctx, workspaceId, endpointId);
  const view = secretView(ctx, endpoint, ctx.clock.now());
  recordAudit(ctx.em, ctx.clock, {
    type: 'webhook.secret_revealed',
    actorId,
    workspaceId,
    target: { type: 'webhook_endpoint', id: endpointId },
    meta: ctx.meta,
  });
  await ctx.em.flush();
  return view;
}

/**
 * A new signing secret. For `overlapHours` the previous one keeps signing too (both signatures are
 * sent), so receivers can switch without missing an event; 0 = the old one stops at once.
 */
export async function rotateWebhookSecret(
  ctx: WebhookCtx,
  workspaceId: string,
  actorId: string,
  endpointId: string,
  overlapHours: number,
): Promise<WebhookSecretView> {
  return ctx.em.transactional(async (tx) => {
    const endpoint = await tx.findOne(
      WebhookEndpoint,
      { id: endpointId, workspaceId },
      { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!endpoint) throw new DomainError('NOT_FOUND', 'No such webhook endpoint');
    const now = ctx.clock.now();
    const current = ctx.keyring.decryptString(endpoint.secret, secretContext(endpoint.id));
    const secret = generateWebhookSecret();
    endpoint.secret = ctx.keyring.encrypt(secret, secretContext(endpoint.id));
    if (overlapHours > 0) {
      endpoint.previousSecret = ctx.keyring.encrypt(current, previousSecretContext(endpoint.id));
      endpoint.previousSecretExpiresAt = new Date(now.getTime() + overlapHours * HOUR);
    } else {
      endpoint.previousSecret = null;
      endpoint.previousSecretExpiresAt = null;
    }
    endpoint.updatedAt = now;
    recordAudit(tx, ctx.clock, {
      type: 'webhook.secret_rotated',
      actorId,
      workspaceId,
      target: { type: 'webhook_endpoint', id: endpoint.id },
      meta: ctx.meta,
      metadata: {
        overlapHours,
        previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
      },
    });
    await tx.flush();
    return {
      secret,
      previousSecret: overlapHours > 0 ? current : null,
      previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
    };
  });
}

const SEAL_BATCH = 500;

/**
 * Encrypts every `webhook_endpoint.url` still stored in clear (rows written before URLs were
 * encrypted), each with a compare-and-set on the plaintext, so a URL changed meanwhile is never
 * overwritten and workers starting together seal each row once. Returns how many rows it sealed. The
 * worker runs it at start-up, after migrations; until then readers accept the plaintext.
 */
export async function sealPlaintextWebhookUrls(em: EntityManager, keyring: Keyring): Promise<number> {
  const connection = em.getConnection();
  let sealed = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await connection.execute<{ id: string; url: string }[]>(
      `select id::text as id, url from webhook_endpoint
        where (url like 'https://%' or url like 'http://%')${after === undefined ? '' : ' and id > ?'}
        order by id limit ?`,
      after === undefined ? [SEAL_BATCH] : [after, SEAL_BATCH],
    );
    for (const row of rows) {
      const update = await connection.execute<{ affectedRows: number }>(
        'update webhook_endpoint set url = ? where id = ? and url = ?',
        [sealWebhookUrl(keyring, row.id, row.url), row.id, row.url],
        'run',
      );
      sealed += update.affectedRows;
    }
    if (rows.length < SEAL_BATCH) return sealed;
    after = (rows[rows.length - 1] as { id: string }).id;
  }
}
