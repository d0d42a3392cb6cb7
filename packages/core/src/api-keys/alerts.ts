// Usage alerts: the worker's job (every few minutes) reads the counters of the keys used lately, applies
// the rules (alert-rules.ts) and raises at most one alert per key per hour: a row (the dashboard's chart
// marks it), an api_key.usage_alert webhook event, a notification and an email to the workspace's
// owners and admins, and an audit entry.
import type { ApiKeyAlertDto, ApiKeyAlertKind } from '@postern/contracts';
import { ApiKey, ApiKeyAlert, type EntityManager, execute, Workspace } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import { type CoreContext, NO_REQUEST_META } from '../context.ts';
import { notifyUsers, recordEvent } from '../events/outbox.ts';
import { apiKeyUsageAlertMessage } from '../system-mail/messages.ts';
import { requestWebhookDispatch } from '../webhooks/dispatch.ts';
import { type AlertRules, type Detection, detectUsageAlerts } from './alert-rules.ts';
import type { UsageCounters } from './usage-counters.ts';

/** At most one alert per key within this long. */
export const ALERT_QUIET_MS = 3_600_000;

type AlertCtx = Pick<CoreContext, 'em' | 'clock' | 'config' | 'sendMail' | 'queue'>;

export interface RaisedAlert {
  keyId: string;
  kind: ApiKeyAlertKind;
}

/** Evaluates every key used in the last hour; returns the alerts raised. */
export async function evaluateUsageAlerts(
  ctx: AlertCtx,
  counters: UsageCounters,
  rules: AlertRules = ctx.config.apiKeyAlerts,
): Promise<{ evaluated: number; raised: RaisedAlert[] }> {
  const now = ctx.clock.now();
  const ids = await counters.activeSince(now.getTime() - ALERT_QUIET_MS);
  if (!ids.length) return { evaluated: 0, raised: [] };
  const keys = await ctx.em.find(ApiKey, { id: { $in: ids } });
  const raised: RaisedAlert[] = [];
  for (const key of keys) {
    const [first] = detectUsageAlerts(await counters.read(key.id), now, key.createdAt, rules);
    if (first && (await raiseAlert(ctx, key, first))) raised.push({ keyId: key.id, kind: first.kind });
  }
  if (raised.length) await requestWebhookDispatch(ctx.queue, 'api_key.usage_alert');
  return { evaluated: keys.length, raised };
}

/** Owners and admins of the workspace, with their addresses. */
async function recipients(tx: EntityManager, workspaceId: string) {
  return execute<{ user_id: string; email: string }[]>(
    tx,
    `select m.user_id, u.email from workspace_member m join app_user u on u.id = m.user_id
      where m.workspace_id = ? and m.role in ('owner', 'admin') order by u.email`,
    [workspaceId],
  );
}

/** Raises one alert unless the key had one within the hour (checked under the key's row lock). */
async function raiseAlert(ctx: AlertCtx, key: ApiKey, found: Detection): Promise<boolean> {
  const now = ctx.clock.now();
  const sent = await ctx.em.transactional(async (tx) => {
    await execute(tx, 'select id from api_key where id = ? for update', [key.id]);
    const since = new Date(now.getTime() - ALERT_QUIET_MS);
    if (await tx.count(ApiKeyAlert, { keyId: key.id, createdAt: { $gt: since } })) return null;
    tx.create(ApiKeyAlert, {
      keyId: key.id,
      workspaceId: key.workspaceId,
      kind: found.kind,
      summary: found.summary.slice(0, 300),
      details: found.details,
      createdAt: now,
    });
    await recordEvent(tx, ctx.clock, key.workspaceId, 'api_key.usage_alert', {
      key_id: key.id,
      key_name: key.name,
      display_prefix: key.displayPrefix,
      kind: found.kind,
      summary: found.summary,
      details: found.details,
      detected_at: now.toISOString(),
    });
    const people = await recipients(tx, key.workspaceId);
    await notifyUsers(tx, ctx.clock, {
      userIds: people.map((p) => p.user_id),
      workspaceId: key.workspaceId,
      kind: 'api_key.usage_alert',
      title: `Unusual use of the API key ${key.name}`,
      body: `${key.displayPrefix}: ${found.summary}. If this was not expected, revoke or roll the key.`,
      link: `/w/${key.workspaceId}/api-keys`,
    });
    recordAudit(tx, ctx.clock, {
      type: 'apikey.usage_alert',
      actorId: null,
      workspaceId: key.workspaceId,
      target: { type: 'api_key', id: key.id },
      meta: NO_REQUEST_META,
      metadata: { kind: found.kind, summary: found.summary },
    });
    const workspace = await tx.findOne(Workspace, { id: key.workspaceId });
    return { people, workspaceName: workspace?.name ?? 'your workspace' };
  });
  if (!sent) return false;
  const link = `${ctx.config.publicUrl}/w/${key.workspaceId}/api-keys`;
  for (const person of sent.people) {
    await ctx.sendMail(
      apiKeyUsageAlertMessage({
        to: person.email,
        workspaceName: sent.workspaceName,
        keyName: key.name,
        displayPrefix: key.displayPrefix,
        summary: found.summary,
        link,
      }),
    );
  }
  return true;
}

/** The workspace's alerts since `since`, newest first (the usage chart marks them). */
export async function listApiKeyAlerts(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  since: Date,
): Promise<ApiKeyAlertDto[]> {
  const rows = await ctx.em.find(
    ApiKeyAlert,
    { workspaceId, createdAt: { $gte: since } },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 200 },
  );
  return rows.map((a) => ({
    id: a.id,
    keyId: a.keyId,
    kind: a.kind as ApiKeyAlertKind,
    summary: a.summary,
    createdAt: a.createdAt.toISOString(),
  }));
}
