// The audience tests' world: coreWorld (a test database reached as the restricted application role, a
// manual clock, the keyring from the configuration) plus workspaces and contexts acting as a member
// or as the person (forms), and helpers to read the ledger and the outbox.
import { randomUUID } from 'node:crypto';
import { Membership, Workspace } from '@postern/db';
import type { CoreContext } from '../../src/context.ts';
import { type CoreWorld, coreWorld } from './auth-context.ts';

export interface ContactsWorld {
  w: () => CoreWorld;
  /** A workspace with an owner; returns their ids. */
  workspace(): Promise<{ workspaceId: string; userId: string }>;
  /** A context acting as `userId` (a member), or as nobody (a public form) without it. */
  as(userId?: string | null, meta?: { ip: string | null; userAgent: string | null }): CoreContext;
}

export function contactsWorld(env: Record<string, string> = {}): ContactsWorld {
  const w = coreWorld(env);
  return {
    w,
    async workspace() {
      const world = w();
      const user = await world.user();
      const em = world.orm.em.fork();
      const workspace = em.create(Workspace, { name: `ws-${randomUUID().slice(0, 8)}` });
      await em.flush();
      em.create(Membership, { workspaceId: workspace.id, userId: user.id, role: 'owner' });
      await em.flush();
      return { workspaceId: workspace.id, userId: user.id };
    },
    as(userId, meta) {
      const ctx = w().ctx(meta);
      return { ...ctx, actor: userId ? { kind: 'user', userId } : null };
    },
  };
}

export const EMAILS = (n: number, tag = 'p') =>
  Array.from({ length: n }, (_, i) => `${tag}${i}.${randomUUID().slice(0, 6)}@example.com`);
