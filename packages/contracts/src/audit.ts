// Audit event types. The log itself ("Workspaces, team roles and the tamper-evident audit log")
// extends this list; every domain records through one function.
import { z } from 'zod';

export const AUDIT_EVENTS = [
  'auth.signed_up',
  'auth.email_verified',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.password_changed',
  'auth.password_reset',
  'auth.two_factor_enabled',
  'auth.two_factor_disabled',
  'auth.recovery_codes_regenerated',
  'auth.recovery_code_used',
  'auth.session_revoked',
  'auth.sessions_revoked',
  'auth.refresh_token_reused',
  'workspace.created',
  'workspace.renamed',
  'member.invited',
  'member.invitation_revoked',
  'member.joined',
  'member.invitation_declined',
  'member.role_changed',
  'member.removed',
  'member.left',
  'audit.exported',
  'audit.verified',
  'apikey.created',
  'apikey.revoked',
] as const;
export const ZAuditEvent = z.enum(AUDIT_EVENTS);
export type AuditEventType = z.infer<typeof ZAuditEvent>;
