// The instance operator's audit chain. Actions of the operator console (`postern admin …`) are not a
// user's nor a workspace's: they join one chain of their own, scope `instance`, numbered, hashed and
// signed like every other (the `audit_entry_chain` trigger, the hourly checkpoint). Each entry names
// the operator (`--as`) and the reason given (`--reason`) in its metadata; `actorId` stays null, as
// the operator is not an account of the instance.
import { AuditEntry, type EntityManager } from '@postern/db';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';

export const INSTANCE_AUDIT_SCOPE = 'instance';

export const INSTANCE_AUDIT_EVENTS = [
  'instance.viewed',
  'instance.plan_changed',
  'instance.two_factor_reset',
  'instance.user_disabled',
  'instance.user_enabled',
  'instance.owners_notified',
  'instance.audit_verified',
] as const;
export type InstanceAuditEventType = (typeof INSTANCE_AUDIT_EVENTS)[number];

/** Who runs a console command and why; `reason` is required for every command that changes something. */
export interface Operator {
  name: string;
  reason: string | null;
}

const MAX_OPERATOR = 100;
const MAX_REASON = 500;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks the operator's name and reason (one line each, bounded); refuses a missing reason when needed. */
export function checkOperator(operator: Operator, options: { reasonRequired: boolean }): Operator {
  const name = operator.name.trim();
  const reason = operator.reason?.trim() || null;
  if (!name || name.length > MAX_OPERATOR || CONTROL.test(name))
    throw new DomainError(
      'VALIDATION_FAILED',
      `--as must be your name, one line of at most ${MAX_OPERATOR} characters`,
    );
  if (options.reasonRequired && !reason)
    throw new DomainError('VALIDATION_FAILED', '--reason is required: say why (it is kept in the audit log)');
  if (reason && (reason.length > MAX_REASON || CONTROL.test(reason)))
    throw new DomainError(
      'VALIDATION_FAILED',
      `--reason must be one line of at most ${MAX_REASON} characters`,
    );
  return { name, reason };
}

/** Adds an entry to the instance chain (written with the caller's flush, like recordAudit). */
export function recordInstanceAudit(
  em: EntityManager,
  clock: Clock,
  input: {
    type: InstanceAuditEventType;
    operator: Operator;
    target?: { type: string; id: string };
    metadata?: Record<string, unknown>;
  },
): void {
  em.create(AuditEntry, {
    scope: INSTANCE_AUDIT_SCOPE,
    // Never a workspace id: the workspace's own log pages by its chain's seq (see audit/query.ts).
    workspaceId: null,
    occurredAt: clock.now(),
    eventType: input.type,
    actorId: null,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    ip: null,
    userAgent: 'postern-admin',
    metadata: { operator: input.operator.name, reason: input.operator.reason, ...input.metadata },
  });
}
