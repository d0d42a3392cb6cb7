// Helpers shared by the split audit-log test files: the page shape of audit.list, a superuser
// connection that bypasses the triggers, and the signed-head helpers (checkpoint, verify, events).
import { auditSignerFromConfig, checkpointAuditHeads, systemClock } from '@postern/core';
import type { MemoryKvStore } from '@postern/runtime';
import pg from 'pg';
import { type Client, type Harness, newAccount } from './harness.ts';

export type Page = {
  entries: {
    seq: number;
    eventType: string;
    actorEmail: string | null;
    userAgent: string | null;
    ip: string | null;
  }[];
  nextCursor: number | null;
};

/** superuser(fn) for a file whose harness (set in beforeAll) is `harness()`. */
export function superuserOf(harness: () => Harness) {
  /** A raw connection that, as a superuser can, bypasses the triggers: the "behind the app's back" change. */
  return async function superuser<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: harness().db.url });
    await client.connect();
    try {
      await client.query("set session_replication_role = 'replica'");
      return await fn(client);
    } finally {
      await client.end();
    }
  };
}

/** The helpers of the signed-heads tests, for a file whose harness is `harness()`. */
export function signedHeadHelpers(harness: () => Harness) {
  const superuser = superuserOf(harness);
  const signer = () => auditSignerFromConfig(harness().config);
  const checkpoint = (kv?: MemoryKvStore) =>
    checkpointAuditHeads({ em: harness().orm.em.fork(), clock: systemClock, signer: signer(), kv });
  type Verified = {
    ok: boolean;
    entriesChecked: number;
    problems: { seq: number | null; problem: string; detail?: string }[];
    head: { source: string; seq: number } | null;
  };
  const verify = (client: Client, workspaceId: string, pasted?: string) =>
    client.mutate<Verified>('audit.verify', { workspaceId, ...(pasted ? { checkpoint: pasted } : {}) });
  async function workspaceWithHistory() {
    const owner = await newAccount(harness().app);
    for (const name of ['One', 'Two', 'Three', 'Four'])
      await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name });
    return owner;
  }
  /** The signed head of a workspace, as the webhook event carries it (outbox_event). */
  async function eventOf(workspaceId: string) {
    const rows = await harness()
      .orm.em.fork()
      .getConnection()
      .execute(
        "select payload from outbox_event where workspace_id = ? and type = 'audit.checkpoint' order by created_at desc limit 1",
        [workspaceId],
      );
    return rows[0]?.payload as Record<string, string | number> | undefined;
  }
  async function asSuperuser(sql: string, params: unknown[] = []) {
    await superuser((c) => c.query(sql, params));
  }

  return { signer, checkpoint, verify, workspaceWithHistory, eventOf, asSuperuser };
}
