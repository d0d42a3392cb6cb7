// Readiness: PostgreSQL, the KV store (Redis or memory), migrations and the worker heartbeat; and the
// DNS resolver's health (canary domains), when the engine checks it.
import type { Check, CheckStatus, HealthResponse } from '@postern/contracts';
import { type MikroORM, pendingMigrations } from '@postern/db';
import type { KvStore } from '@postern/runtime';
import type { Clock } from '../clock.ts';
import { latestHeartbeat } from './heartbeat.ts';

export interface HealthDeps {
  orm: MikroORM;
  kv: KvStore;
  clock: Clock;
  version: string;
  startedAt: Date;
  workerHeartbeatStaleMs: number;
  /** Each check gives up after this long and reports `down`. */
  checkTimeoutMs?: number;
  /** The engine's resolver health (canary domains); null or absent: not reported. */
  resolver?: {
    status(): { healthy: boolean | null; reason: string | null; domains: readonly string[] };
  } | null;
}

/** The resolver check: `degraded` with the reason while the canaries fail. */
export function resolverCheck(resolver: NonNullable<HealthDeps['resolver']>): Check {
  const s = resolver.status();
  if (s.healthy === false) return { status: 'degraded', detail: `DNS resolver unhealthy: ${s.reason}` };
  if (s.healthy === null) return { status: 'ok', detail: 'first canary check running' };
  return { status: 'ok', detail: `canary domains resolve: ${s.domains.join(', ')}` };
}

async function timed(
  fn: () => Promise<Omit<Check, 'latencyMs'> | undefined>,
  timeoutMs: number,
): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', ...result, latencyMs: round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      detail: (error as Error).message,
      latencyMs: round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

// Pending migrations are read from disk and the database; they change only on deploy.
let migrationCache: { at: number; pending: string[] } | undefined;

export async function checkHealth(deps: HealthDeps): Promise<HealthResponse> {
  const timeoutMs = deps.checkTimeoutMs ?? 2000;
  const em = deps.orm.em.fork();
  const now = deps.clock.now();

  const [database, redis, migrations, worker] = await Promise.all([
    timed(async () => {
      await em.getConnection().execute('select 1');
      return undefined;
    }, timeoutMs),
    timed(async () => {
      await deps.kv.ping();
      return deps.kv.kind === 'memory'
        ? { status: 'ok' as const, detail: 'in-process memory store (no REDIS_URL): single API process only' }
        : undefined;
    }, timeoutMs),
    timed(async () => {
      if (!migrationCache || Date.now() - migrationCache.at > 10_000 || migrationCache.pending.length) {
        migrationCache = { at: Date.now(), pending: await pendingMigrations(deps.orm) };
      }
      const { pending } = migrationCache;
      return pending.length
        ? { status: 'down' as const, detail: `${pending.length} pending migration(s): ${pending.join(', ')}` }
        : { status: 'ok' as const, detail: 'all migrations applied' };
    }, timeoutMs),
    timed(async () => {
      const since = new Date(now.getTime() - deps.workerHeartbeatStaleMs);
      const { latest, alive } = await latestHeartbeat(em, since);
      if (!latest) return { status: 'down' as const, detail: 'no worker has ever reported a heartbeat' };
      const ageSeconds = Math.round((now.getTime() - latest.beatAt.getTime()) / 1000);
      if (alive === 0) return { status: 'down' as const, detail: `last heartbeat ${ageSeconds}s ago` };
      return { status: 'ok' as const, detail: `${alive} worker(s) alive, last heartbeat ${ageSeconds}s ago` };
    }, timeoutMs),
  ]);

  const checks = {
    api: { status: 'ok' as CheckStatus },
    database,
    redis,
    migrations,
    worker,
    ...(deps.resolver ? { resolver: resolverCheck(deps.resolver) } : {}),
  };
  const statuses = Object.values(checks).map((check) => check.status);
  const status: CheckStatus = statuses.every((s) => s === 'ok')
    ? 'ok'
    : database.status === 'down' || migrations.status === 'down'
      ? 'down'
      : 'degraded';
  return {
    status,
    version: deps.version,
    uptimeSeconds: Math.round((now.getTime() - deps.startedAt.getTime()) / 1000),
    time: now.toISOString(),
    checks,
  };
}
