// Finding the user or workspace a console command names, with one clear line when there is none.
import { type EntityManager, execute, User, Workspace } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user by email address (case-insensitive) or id. */
export async function findUser(ctx: Pick<CoreContext, 'em'>, emailOrId: string): Promise<User> {
  const wanted = emailOrId.trim();
  const user = UUID.test(wanted)
    ? await ctx.em.findOne(User, { id: wanted })
    : await ctx.em.findOne(User, { email: { $ilike: wanted.replace(/[\\%_]/g, '\\$&') } });
  if (!user) throw new DomainError('NOT_FOUND', `no user with the address or id "${wanted}"`);
  return user;
}

/** A workspace by id. */
export async function findWorkspace(ctx: Pick<CoreContext, 'em'>, id: string): Promise<Workspace> {
  const wanted = id.trim();
  const workspace = UUID.test(wanted) ? await ctx.em.findOne(Workspace, { id: wanted }) : null;
  if (!workspace) throw new DomainError('NOT_FOUND', `no workspace with the id "${wanted}"`);
  return workspace;
}

/** `%text%` for ILIKE, with the pattern's own characters escaped. */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * One page of a console listing and the number of rows in all: `conditions` are SQL conditions with
 * `?` placeholders, each followed by its parameters (joined with AND).
 */
export async function listPage(
  em: EntityManager,
  query: { select: string; from: string; order: string },
  conditions: [string, ...unknown[]][],
  page: { limit: number; offset: number },
): Promise<{ total: number; rows: Record<string, unknown>[] }> {
  const filter = conditions.length ? `where ${conditions.map(([sql]) => sql).join(' and ')}` : '';
  const params = conditions.flatMap(([, ...values]) => values);
  const [count] = await execute<{ total: number }[]>(
    em,
    `select count(*)::int as total from ${query.from} ${filter}`,
    params,
  );
  const rows = await execute<Record<string, unknown>[]>(
    em,
    `select ${query.select} from ${query.from} ${filter} order by ${query.order} limit ? offset ?`,
    [...params, page.limit, page.offset],
  );
  return { total: count?.total ?? 0, rows };
}
