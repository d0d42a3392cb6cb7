// `postern admin audit verify --all`: the chain verification of the dashboard's audit page, over every
// scope (workspaces, accounts, the system and the instance), each compared with its newest signed
// head. A scope known only from its signed heads (every entry gone) is checked too: that is truncation.
import { execute } from '@postern/db';
import { auditSignerFromConfig } from '../audit/checkpoint.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import type { CoreContext } from '../context.ts';
import { type Operator, recordInstanceAudit } from './audit.ts';

export async function auditScopes(ctx: Pick<CoreContext, 'em'>): Promise<string[]> {
  const rows = await execute<{ scope: string }[]>(
    ctx.em,
    `select scope from audit_entry union select scope from audit_checkpoint
      union select scope from audit_signed_head order by scope`,
  );
  return rows.map((row) => row.scope);
}

export interface ScopeVerification {
  scope: string;
  ok: boolean;
  entriesChecked: number;
  problems: { seq: number | null; problem: string; detail?: string | undefined }[];
  headSeq: number | null;
}

/** Verifies the given scopes (all of them by default); audits the run in the instance chain. */
export async function verifyAllAuditChains(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'config' | 'kv'>,
  operator: Operator,
  scopes?: string[],
  onScope?: (result: ScopeVerification) => void,
): Promise<{ scopes: number; broken: string[] }> {
  const verifier = auditSignerFromConfig(ctx.config);
  const list = scopes ?? (await auditScopes(ctx));
  const broken: string[] = [];
  for (const scope of list) {
    const result = await verifyAuditChain({ em: ctx.em.fork() }, scope, { verifier, kv: ctx.kv });
    if (!result.ok) broken.push(scope);
    onScope?.({
      scope,
      ok: result.ok,
      entriesChecked: result.entriesChecked,
      problems: result.problems,
      headSeq: result.head?.seq ?? null,
    });
  }
  recordInstanceAudit(ctx.em, ctx.clock, {
    type: 'instance.audit_verified',
    operator,
    metadata: { scopes: list.length, broken: broken.length, brokenScopes: broken.slice(0, 50) },
  });
  await ctx.em.flush();
  return { scopes: list.length, broken };
}
