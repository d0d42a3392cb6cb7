// The one way core receives what it works with (#15). A process builds `CoreServices` once (start.ts of
// the API and the worker, or a test); each request and each job gets a `CoreContext` from
// `coreContext()`: the services, its own EntityManager fork, who acts and where the request came from.
// Core functions take `ctx: CoreContext` (or a `Pick<CoreContext, …>` of what they use) as their first
// argument and nothing else of the kind: no second context type, no positional em/clock/keyring.
import type { EntityManager } from '@postern/db';
import type { Config, KvStore, PgBoss } from '@postern/runtime';
import type { RequestMeta } from './audit/record.ts';
import { ensureAuditSealing } from './audit/sealing.ts';
import type { Clock } from './clock.ts';
import type { Keyring } from './crypto/types.ts';

/** A transactional email of Postern's own (verification, reset, notices), sealed and sent by the worker. */
export interface SystemMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Display name instead of MAIL_FROM's (a list's name on its double opt-in mail); the address stays. */
  fromName?: string | undefined;
}

/** Who performs an operation: a signed-in user, an API key of a workspace, or the system (a job). */
export type Actor =
  | { kind: 'user'; userId: string }
  | {
      kind: 'api_key';
      keyId: string;
      workspaceId: string;
      /** The key's name, for audit labels. */
      name?: string;
    }
  | { kind: 'system'; name: string };

/** What a process is built from, once. */
export interface CoreServices {
  config: Config;
  clock: Clock;
  keyring: Keyring;
  kv: KvStore;
  /** pg-boss as a producer (jobs are enqueued in the caller's transaction where it matters). */
  queue: Pick<PgBoss, 'insert' | 'send'>;
  /** Queues one of Postern's own emails through the worker (sealed with the keyring). */
  sendMail(message: SystemMail): Promise<void>;
}

/** What one request or one job works with. */
export interface CoreContext extends CoreServices {
  em: EntityManager;
  actor: Actor | null;
  meta: RequestMeta;
}

export const NO_REQUEST_META: RequestMeta = { ip: null, userAgent: null };

/**
 * A context for one request or job: its own EntityManager fork (never the global one). Its ORM's
 * flushes seal the personal data of audit entries with the services' keyring (audit/sealing.ts).
 */
export function coreContext(
  services: CoreServices,
  scope: { em: EntityManager; actor?: Actor | null; meta?: RequestMeta },
): CoreContext {
  ensureAuditSealing(scope.em, services.keyring);
  return {
    ...services,
    em: scope.em,
    actor: scope.actor ?? null,
    meta: scope.meta ?? NO_REQUEST_META,
  };
}

/** The user id of the actor, or null for API keys and the system (audit entries' `actorId`). */
export const actorUserId = (ctx: Pick<CoreContext, 'actor'>): string | null =>
  ctx.actor?.kind === 'user' ? ctx.actor.userId : null;
