// The part of a CoreContext the bulk functions use, acting as a user (or nobody) with no request meta:
// one factory for the bulk test files instead of a copy in each.
import type { EntityManager } from '@postern/db';
import type { PgBoss } from '@postern/runtime';
import { type Clock, type Keyring, NO_REQUEST_META } from '../../src/index.ts';

export interface BulkTestServices {
  em: EntityManager;
  keyring: Keyring;
  clock: Clock;
  queue: PgBoss;
}

/** `services` is called per context (a fresh EntityManager fork each time). */
export const bulkContextFactory =
  (services: () => BulkTestServices) =>
  (userId: string | null = null) => ({
    ...services(),
    actor: userId ? ({ kind: 'user', userId } as const) : null,
    meta: NO_REQUEST_META,
  });
