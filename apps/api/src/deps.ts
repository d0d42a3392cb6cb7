// What the API process is built from: created once in start.ts (or by a test) and passed down.
import type {
  ApiKeyAuthenticator,
  Clock,
  Keyring,
  MikroORM,
  OutgoingMail,
  RateLimiter,
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
  boss: Pick<PgBoss, 'insert'>;
  /** Queues an email through the worker (sealed with the keyring). */
  sendMail(message: OutgoingMail): Promise<void>;
  /** Public API: Bearer keys → workspace, plan token buckets, usage counting. */
  limiter: RateLimiter;
  apiKeys: ApiKeyAuthenticator;
  usage: UsageRecorder;
  /** The verification engine (DNS cache and SMTP connections live here, per process). */
  engine: VerificationEngine;
  version: string;
  startedAt: Date;
}
