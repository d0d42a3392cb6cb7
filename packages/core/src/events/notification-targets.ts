// Whether the object a notification is about still exists, so the dashboard can say "this job was
// deleted" instead of opening a page that answers "not found". The object is read from the
// notification's link (`/w/<workspace>/jobs/<id>`, `/w/<workspace>/webhooks/<id>`): one query per kind.
import { BulkJob, type EntityManager, type Notification, WebhookEndpoint } from '@postern/db';

const LINKED = [
  { pattern: /^\/w\/([0-9a-f-]{36})\/jobs\/([0-9a-f-]{36})$/i, entity: BulkJob },
  { pattern: /^\/w\/([0-9a-f-]{36})\/webhooks\/([0-9a-f-]{36})$/i, entity: WebhookEndpoint },
] as const;

/** The ids (of `notifications`) whose linked object no longer exists. */
export async function deletedTargets(em: EntityManager, notifications: Notification[]): Promise<Set<string>> {
  const deleted = new Set<string>();
  for (const { pattern, entity } of LINKED) {
    const linked = notifications.flatMap((n) => {
      const match = n.link ? pattern.exec(n.link) : null;
      return match?.[1] && match[2] ? [{ id: n.id, workspaceId: match[1], targetId: match[2] }] : [];
    });
    if (!linked.length) continue;
    const found = await em.find(
      entity as typeof BulkJob,
      { id: { $in: [...new Set(linked.map((l) => l.targetId))] } },
      { fields: ['id', 'workspaceId'] },
    );
    const alive = new Set(found.map((row) => `${row.workspaceId}:${row.id}`));
    for (const l of linked) if (!alive.has(`${l.workspaceId}:${l.targetId}`)) deleted.add(l.id);
  }
  return deleted;
}
