// What the audience modules share: the context they use, who acts (for created_by columns and the
// consent ledger), the per-workspace lock that orders subscribing against suppressing, set-based SQL
// parameters and the outbox written many rows at a time.
import { randomUUID } from 'node:crypto';
import { type EventData, type EventType, ZEventType } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';
import { auditApiKey } from '../audit/record.ts';
import type { Clock } from '../clock.ts';
import type { CoreContext } from '../context.ts';

/** What the contacts functions use of the core context. */
export type ContactsCtx = Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'actor' | 'meta'>;

/** The acting user's or API key's id (created_by, the ledger's actor_id); null for the system. */
export function actingId(ctx: Pick<CoreContext, 'actor'>): string | null {
  const actor = ctx.actor;
  if (actor?.kind === 'user') return actor.userId;
  if (actor?.kind === 'api_key') return actor.keyId;
  return null;
}

/** The audit fields of whoever acts: the user id, and the key when an API key acts. */
export function auditActor(ctx: Pick<CoreContext, 'actor'>) {
  return { actorId: ctx.actor?.kind === 'user' ? ctx.actor.userId : null, ...auditApiKey(ctx) };
}

/**
 * Orders subscribing against suppressing in a workspace: subscribers take the lock shared (they run
 * side by side), suppressors exclusive, so an address cannot be subscribed by a transaction that
 * checked it a moment before another one suppressed it. Held until the transaction ends.
 */
export async function lockAudience(tx: EntityManager, workspaceId: string, mode: 'shared' | 'exclusive') {
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await execute(tx, `select ${fn}(hashtextextended(?, 0))`, [`audience:${workspaceId}`]);
}

/** A JSON parameter for `jsonb_to_recordset(?::jsonb)` / `jsonb_array_elements_text(?::jsonb)`: one parameter for any number of rows. */
export const jsonParam = (value: unknown) => JSON.stringify(value);

/** Inserts one outbox row per `data` in one statement, on `tx`'s transaction. */
export async function recordEvents<T extends EventType>(
  tx: EntityManager,
  clock: Clock,
  workspaceId: string,
  type: T,
  data: readonly EventData<T>[],
): Promise<void> {
  if (!data.length) return;
  ZEventType.parse(type);
  const rows = data.map((payload) => ({ id: randomUUID(), payload }));
  await execute(
    tx,
    `insert into outbox_event (id, workspace_id, type, payload, created_at)
       select r.id, ?, ?, r.payload, ? from jsonb_to_recordset(?::jsonb) as r(id uuid, payload jsonb)`,
    [workspaceId, type, clock.now(), jsonParam(rows)],
    'run',
  );
}

/** ISO text of a date column read by raw SQL (pg returns Date objects). */
export const iso = (value: Date | string | null | undefined): string | null =>
  value == null ? null : new Date(value).toISOString();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An id that is not a UUID finds nothing (rather than a database type error): the nil UUID. */
export const uuidOrNull = (id: string) => (UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000');
