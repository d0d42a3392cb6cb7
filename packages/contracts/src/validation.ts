// The single check: request and result shapes shared by tRPC, /v1/validate and the SDK. A result
// never contains the address it describes (results are cached under a keyed hash of it).
import { z } from 'zod';
import { VERDICT_ACTIONS } from './constants/policies.ts';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

export const ZDepth = z.enum(['standard', 'enhanced']);
export type Depth = z.infer<typeof ZDepth>;

export const ZValidateRequest = z.object({
  email: zText().max(512, 'That is far too long for an email address (at most 512 characters)'),
  depth: ZDepth.default('standard'),
});
export const ZValidateBatchRequest = z.object({
  emails: z
    .array(zText().max(512, 'That is far too long for an email address (at most 512 characters)'))
    .min(1, 'Send at least one address')
    .max(50, 'At most 50 addresses per batch'),
  depth: ZDepth.default('standard'),
});
export const ZCheckAddressRequest = ZWorkspaceScoped.extend({
  email: zText().max(512, 'That is far too long for an email address (at most 512 characters)'),
  depth: ZDepth.default('standard'),
});

export const ZValidationResult = z.object({
  status: z.enum(['deliverable', 'undeliverable', 'catch_all', 'risky', 'do_not_mail', 'unknown']),
  reason: z.string(),
  action: z.enum(VERDICT_ACTIONS),
  /** The workspace's validation policy applied to this verdict (see docs/validation.md, Policies). */
  policy_action: z.enum(VERDICT_ACTIONS),
  flags: z.object({
    free_provider: z.boolean(),
    role_account: z.boolean(),
    disposable: z.boolean(),
    catch_all: z.boolean(),
    has_mx: z.boolean(),
    implicit_mx: z.boolean(),
    null_mx: z.boolean(),
    smtputf8: z.boolean(),
  }),
  /** A corrected address ("ann@gmial.com" → "ann@gmail.com"), or null. */
  suggestion: z.string().nullable(),
  retry_after_ms: z.number().int().nullable(),
  depth: ZDepth,
  checks: z.object({
    syntax: z.object({ valid: z.boolean(), reason: z.string().nullable(), smtputf8: z.boolean() }),
    dns: z
      .object({
        outcome: z.string(),
        mx_hosts: z.array(z.object({ host: z.string(), priority: z.number().int() })),
        ms: z.number(),
      })
      .nullable(),
    smtp: z
      .object({
        status: z.string(),
        mx_host: z.string().nullable(),
        reply_code: z.number().int().nullable(),
        enhanced_code: z.string().nullable(),
        message: z.string().nullable(),
        starttls: z.boolean(),
        /** With status `unknown`: why no MX host answered (timeout, connect, tls, session). */
        failure: z.enum(['timeout', 'connect', 'tls', 'session']).nullable().optional(),
        ms: z.number(),
      })
      .nullable(),
  }),
  checked_at: z.iso.datetime(),
  cached: z.boolean(),
});
export type ValidationResult = z.infer<typeof ZValidationResult>;
/** A result before a workspace policy is applied: what the cache and the bulk store hold. */
export const ZValidationVerdict = ZValidationResult.omit({ policy_action: true });
export type ValidationVerdict = z.infer<typeof ZValidationVerdict>;
export const ZValidationBatchResult = z.object({
  results: z.array(z.object({ email: z.string(), result: ZValidationResult })),
});
