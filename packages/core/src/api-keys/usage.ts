// Counts API-key requests in memory and adds them to the database in batches: per key (usage count,
// last used) and per key and day (the dashboard's chart). Increments add up across API processes.
import type { MikroORM } from '@postern/db';

export class UsageRecorder {
  readonly #orm: MikroORM;
  #pending = new Map<string, { workspaceId: string; count: number; lastUsedAt: Date }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(orm: MikroORM, flushEveryMs = 2000) {
    this.#orm = orm;
    this.#timer = setInterval(() => void this.flush().catch(() => {}), flushEveryMs);
    this.#timer.unref();
  }

  record(keyId: string, workspaceId: string, at: Date) {
    const entry = this.#pending.get(keyId);
    if (entry) {
      entry.count += 1;
      entry.lastUsedAt = at;
    } else {
      this.#pending.set(keyId, { workspaceId, count: 1, lastUsedAt: at });
    }
  }

  async flush() {
    if (!this.#pending.size) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const conn = this.#orm.em.fork().getConnection();
    for (const [keyId, { workspaceId, count, lastUsedAt }] of batch) {
      await conn.execute(
        'update api_key set usage_count = usage_count + ?, last_used_at = greatest(coalesce(last_used_at, ?), ?) where id = ?',
        [count, lastUsedAt, lastUsedAt, keyId],
      );
      await conn.execute(
        `insert into api_key_usage (key_id, day, workspace_id, requests) values (?, ?, ?, ?)
           on conflict (key_id, day) do update set requests = api_key_usage.requests + excluded.requests`,
        [keyId, lastUsedAt.toISOString().slice(0, 10), workspaceId, count],
      );
    }
  }

  async close() {
    clearInterval(this.#timer);
    await this.flush();
  }
}
