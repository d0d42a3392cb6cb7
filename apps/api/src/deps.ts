// What the API process is built from: created once in start.ts (or by a test) and passed down.
import type {
  ApiKeyAuthenticator,
  Clock,
  CoreServices,
  Keyring,
  MikroORM,
  RateLimiter,
  SystemMail,
  UsageRecorder,
} from '@postern/core';
import type { Config, KvStore, Logger, PgBoss } from '@postern/runtime';
import type { VerificationEngine } from '@postern/validator';

export interface ApiDeps {
  config: Config;
  orm: MikroORM;
  kv: KvStore;
  logger: Logger;
  clock: Clock;
  keyring: Keyring;
  /** pg-boss as a producer: bulk jobs enqueue their chunks through it (the worker runs them). */
  boss: Pick<PgBoss, 'insert' | 'send'>;
  /** Queues an email through the worker (sealed with the keyring). */
  sendMail(message: SystemMail): Promise<void>;
  /** Public API: Bearer keys → workspace, plan token buckets, usage counting. */
  limiter: RateLimiter;
  apiKeys: ApiKeyAuthenticator;
  usage: UsageRecorder;
  /** The verification engine (DNS cache and SMTP connections live here, per process). */
  engine: VerificationEngine;
  version: string;
  startedAt: Date;
}

const services = new WeakMap<ApiDeps, CoreServices>();

/**
 * The core services of the process: built once from its deps (the first request asks) and shared by
 * every request's CoreContext (trpc.ts, http/shared/request.ts).
 */
export function coreServicesOf(deps: ApiDeps): CoreServices {
  let built = services.get(deps);
  if (!built) {
    built = {
      config: deps.config,
      clock: deps.clock,
      keyring: deps.keyring,
      kv: deps.kv,
      queue: deps.boss,
      sendMail: deps.sendMail,
    };
    services.set(deps, built);
  }
  return built;
}
