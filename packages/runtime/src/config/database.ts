// PostgreSQL and Redis: where they are and how to reach them.
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { urlWithProtocols } from './fields.ts';

export const databaseEnv = z.object({
  DATABASE_URL: urlWithProtocols(
    ['postgres:', 'postgresql:'],
    'postgres://user:pass@host:5432/postern',
  ).optional(),
  /** The owner role (migrations, pg-boss schema and queues); DATABASE_URL is then the application role. */
  MIGRATION_DATABASE_URL: urlWithProtocols(
    ['postgres:', 'postgresql:'],
    'postgres://owner:pass@host:5432/postern',
  ).optional(),
  DATABASE_SSL: z.enum(['disable', 'require', 'verify-full']).default('disable'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:6379/0').optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9:_.-]*$/, 'may hold letters, digits and : _ . - only')
    .default(''),
});

export interface DatabaseConfig {
  databaseUrl: string | undefined;
  /** MIGRATION_DATABASE_URL: the owner role; unset = DATABASE_URL's role migrates (single-URL mode). */
  migrationDatabaseUrl: string | undefined;
  databaseSsl: 'disable' | 'require' | 'verify-full';
  databasePoolMax: number;
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX: prepended to every key, so deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
}

export function databaseSettings(e: z.output<typeof databaseEnv>): DatabaseConfig {
  return {
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL,
    databaseSsl: e.DATABASE_SSL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
  };
}

/** Requires DATABASE_URL for processes that cannot run without it. */
export function requireDatabaseUrl(config: DatabaseConfig): string {
  if (!config.databaseUrl) {
    throw new ConfigError(
      'DATABASE_URL',
      'is required (or start everything with `./postern up`, which embeds PostgreSQL)',
    );
  }
  return config.databaseUrl;
}

/** Where tests find their services: TEST_DATABASE_URL / TEST_REDIS_URL, defaulting to this machine's. */
export function testServices(env: Record<string, string | undefined> = process.env) {
  return {
    adminDatabaseUrl: env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.TEST_REDIS_URL || 'redis://127.0.0.1:6379/0',
  };
}
