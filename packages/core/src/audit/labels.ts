// One way to name what an audit entry is about, and who did it: "Key “sdk-test” (acb82c61)" — a noun,
// the object's name, and the first 8 characters of its id — on every entry, whether the object was
// created, changed, revoked or deleted since. A label stored with the entry (record.ts:
// metadata.targetLabel, metadata.apiKeyName) wins; entries written before labels were kept are named
// from the object as it is now (revoked keys keep their row), then from their own metadata.
import {
  ApiKey,
  type AuditEntry,
  BulkJob,
  type EntityManager,
  Invitation,
  User,
  WebhookEndpoint,
  Workspace,
} from '@postern/db';

export type AuditActorType = 'user' | 'api_key' | 'system';

const NOUNS: Record<string, string> = {
  api_key: 'Key',
  user: 'User',
  bulk_job: 'Job',
  webhook_endpoint: 'Webhook',
  webhook_delivery: 'Delivery',
  workspace: 'Workspace',
  invitation: 'Invitation',
  session: 'Session',
  validation_policy: 'Policy',
  mailbox: 'Mailbox',
};

/** The first 8 characters of an id (of a UUID: its first group). */
export const shortId = (id: string) => id.replaceAll('-', '').slice(0, 8);

/** `Key “sdk-test” (acb82c61)`, or `Key (acb82c61)` when the object has no name. */
export function auditLabel(type: string, id: string, name?: string | null): string {
  const noun = NOUNS[type] ?? type.replaceAll('_', ' ');
  return name ? `${noun} “${name}” (${shortId(id)})` : `${noun} (${shortId(id)})`;
}

export interface EntryLabels {
  actorType: AuditActorType;
  actorLabel: string;
  targetLabel: string | null;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

/** Names of the objects the entries point at, looked up once per type (`type:id` → name). */
type Labelled = Pick<AuditEntry, 'id' | 'actorId' | 'targetType' | 'targetId' | 'metadata'>;

async function currentNames(
  em: EntityManager,
  entries: readonly Labelled[],
): Promise<Map<string, string | null>> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const ids = (type: string) => [
    ...new Set(
      entries.flatMap((e) => {
        const out = e.targetType === type && e.targetId ? [e.targetId] : [];
        if (type === 'user' && e.actorId) out.push(e.actorId);
        const keyId = text(e.metadata?.apiKeyId);
        if (type === 'api_key' && keyId) out.push(keyId);
        return out.filter((id) => uuid.test(id));
      }),
    ),
  ];
  const where = (type: string) => ({ id: { $in: ids(type) } });
  // Each type: its rows' names ([id, name]); a user and an invitation are named by their address.
  const lookups: [string, () => Promise<[string, string | null | undefined][]>][] = [
    ['api_key', async () => (await em.find(ApiKey, where('api_key'))).map((r) => [r.id, r.name])],
    ['user', async () => (await em.find(User, where('user'))).map((r) => [r.id, r.email])],
    ['bulk_job', async () => (await em.find(BulkJob, where('bulk_job'))).map((r) => [r.id, r.name])],
    ['workspace', async () => (await em.find(Workspace, where('workspace'))).map((r) => [r.id, r.name])],
    ['invitation', async () => (await em.find(Invitation, where('invitation'))).map((r) => [r.id, r.email])],
    [
      'webhook_endpoint',
      async () =>
        (await em.find(WebhookEndpoint, where('webhook_endpoint'))).map((r) => [
          r.id,
          r.description || r.host,
        ]),
    ],
  ];
  const names = new Map<string, string | null>();
  for (const [type, find] of lookups) {
    if (!ids(type).length) continue;
    for (const [id, name] of await find()) names.set(`${type}:${id}`, name ?? null);
  }
  return names;
}

/** Actor and target labels of each entry (by entry id), from its opened metadata (sealing.ts). */
export async function entryLabels(
  em: EntityManager,
  entries: readonly Labelled[],
): Promise<Map<string, EntryLabels>> {
  const names = await currentNames(em, entries);
  const labels = new Map<string, EntryLabels>();
  for (const e of entries) {
    const keyId = text(e.metadata?.apiKeyId);
    const actor: Pick<EntryLabels, 'actorType' | 'actorLabel'> = e.actorId
      ? { actorType: 'user', actorLabel: names.get(`user:${e.actorId}`) ?? 'Deleted account' }
      : keyId
        ? {
            actorType: 'api_key',
            actorLabel: auditLabel(
              'api_key',
              keyId,
              text(e.metadata?.apiKeyName) ?? names.get(`api_key:${keyId}`) ?? null,
            ),
          }
        : { actorType: 'system', actorLabel: 'System' };
    const target =
      e.targetType && e.targetId
        ? (text(e.metadata?.targetLabel) ??
          auditLabel(
            e.targetType,
            e.targetId,
            names.get(`${e.targetType}:${e.targetId}`) ??
              text(e.metadata?.name) ??
              text(e.metadata?.email) ??
              text(e.metadata?.host),
          ))
        : null;
    labels.set(e.id, { ...actor, targetLabel: target });
  }
  return labels;
}
