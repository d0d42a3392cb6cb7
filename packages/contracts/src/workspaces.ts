// Workspaces, members, invitations and the permission matrix enforced in one place (the API's
// workspaceProcedure). docs/permissions.md is generated from PERMISSIONS by a test.
import { z } from 'zod';
import { ZAuditPersonErased } from './audit.ts';
import { ZEmail } from './auth.ts';
import { ROLES } from './constants/workspaces.ts';
import { ZDateRange } from './date-range.ts';
import { zText } from './text.ts';

export const ZRole = z.enum(ROLES);
/** Roles an invitation can grant; ownership is given by promoting a member. */
export const ZInvitableRole = z.enum(['admin', 'member', 'viewer']);

export const ZWorkspaceId = z.string().uuid('Unknown workspace');
/** Every workspace procedure's input extends this. */
export const ZWorkspaceScoped = z.object({ workspaceId: ZWorkspaceId });

export const ZWorkspaceName = zText().trim().min(1, 'Give the workspace a name').max(100);
export const ZWorkspace = z.object({
  id: z.string(),
  name: z.string(),
  plan: z.enum(['starter', 'professional', 'business']),
  role: ZRole,
  createdAt: z.iso.datetime(),
  /** Members must turn on two-factor authentication to open it (owners set it). */
  requireTwoFactor: z.boolean(),
});
export type Workspace = z.infer<typeof ZWorkspace>;
export const ZWorkspaceList = z.object({ workspaces: z.array(ZWorkspace) });
export const ZCreateWorkspaceRequest = z.object({ name: ZWorkspaceName });
export const ZRenameWorkspaceRequest = ZWorkspaceScoped.extend({ name: ZWorkspaceName });

export const ZMember = z.object({
  id: z.string(),
  userId: z.string(),
  email: z.string(),
  role: ZRole,
  joinedAt: z.iso.datetime(),
  you: z.boolean(),
});
export const ZInvitation = z.object({
  id: z.string(),
  email: z.string(),
  role: ZInvitableRole,
  invitedBy: z.string().nullable(),
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
});
export const ZMemberList = z.object({ members: z.array(ZMember), invitations: z.array(ZInvitation) });
export const ZInviteRequest = ZWorkspaceScoped.extend({ email: ZEmail, role: ZInvitableRole });
export const ZChangeRoleRequest = ZWorkspaceScoped.extend({ memberId: z.string().uuid(), role: ZRole });
export const ZRemoveMemberRequest = ZWorkspaceScoped.extend({ memberId: z.string().uuid() });
export const ZRevokeInvitationRequest = ZWorkspaceScoped.extend({ invitationId: z.string().uuid() });
export const ZInvitationTokenRequest = z.object({ token: zText().min(10).max(200) });
export const ZInvitationPreview = z.object({
  workspaceName: z.string(),
  email: z.string(),
  role: ZInvitableRole,
  invitedBy: z.string().nullable(),
  expiresAt: z.iso.datetime(),
});

/** `from` and `to` follow the date-range convention (ZDateRange): instants, both inclusive. */
export const ZAuditFilter = ZWorkspaceScoped.extend({
  eventTypes: z.array(zText().max(80)).max(50).optional(),
  /** Entries by this member. */
  actorId: z.string().uuid().optional(),
  /** Entries by this API key (actor type `api_key`). */
  actorKeyId: z.string().uuid().optional(),
  /** Entries about this object: a member's user id, a key, a job, an endpoint… */
  targetId: zText().max(100).optional(),
  /** With targetId or alone: entries about objects of this type (`user`, `api_key`, `bulk_job`…). */
  targetType: zText().max(40).optional(),
  ...ZDateRange.shape,
});
/** ZDateRange's order check, on the requests built from ZAuditFilter (a refined object cannot be extended). */
const rangeInOrder = (r: { from?: string | undefined; to?: string | undefined }) =>
  ZDateRange.safeParse({ from: r.from, to: r.to }).success;
const RANGE_ORDER = { message: 'The start of the range must not be after its end', path: ['to'] };
export const ZAuditListRequest = ZAuditFilter.extend({
  /** Entries with seq below this (the previous page's last seq). */
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
}).refine(rangeInOrder, RANGE_ORDER);
export const ZAuditEntryDto = z.object({
  id: z.string(),
  seq: z.number().int(),
  occurredAt: z.iso.datetime(),
  eventType: z.string(),
  /** Who acted: a member (`actorId`), an API key (`metadata.apiKeyId`) or the system. */
  actorType: z.enum(['user', 'api_key', 'system']),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  /** The actor as shown: the member's email, `Key “name” (1a2b3c4d)`, `Deleted account` or `System`. */
  actorLabel: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  /** The target as shown, the same on every entry about it: `Key “name” (1a2b3c4d)`. */
  targetLabel: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  /** True when the person the entry was about was erased: their details can no longer be read. */
  personErased: ZAuditPersonErased,
  hash: z.string(),
});
export type AuditEntryDto = z.infer<typeof ZAuditEntryDto>;
export const ZAuditPage = z.object({
  entries: z.array(ZAuditEntryDto),
  nextCursor: z.number().int().nullable(),
});
export const ZAuditExportRequest = ZAuditFilter.extend({ format: z.enum(['csv', 'json']) }).refine(
  rangeInOrder,
  RANGE_ORDER,
);
export const ZAuditExport = z.object({
  filename: z.string(),
  contentType: z.string(),
  body: z.string(),
  rows: z.number().int(),
});
export const ZAuditVerifyResult = z.object({
  ok: z.boolean(),
  entriesChecked: z.number().int(),
  problems: z.array(
    z.object({
      seq: z.number().int().nullable(),
      problem: z.enum([
        'altered',
        'missing',
        'reordered',
        'broken_link',
        // Against a signed head (audit.checkpoint): the log restarted or was emptied; its newest
        // entries are gone; the entry at the head's seq is not the one signed; a pasted checkpoint
        // is malformed, signed by another key, or for another scope.
        'truncated',
        'tail_deleted',
        'head_mismatch',
        'checkpoint_invalid',
      ]),
      /** What was found, in words (signed-head problems). */
      detail: z.string().optional(),
    }),
  ),
  checkpoint: z.object({ seq: z.number().int(), createdAt: z.iso.datetime() }).nullable(),
  /** The newest signed head the chain was compared against, and where it came from. */
  head: z
    .object({
      source: z.enum(['kv', 'database', 'pasted']),
      seq: z.number().int(),
      hash: z.string(),
      time: z.iso.datetime(),
    })
    .nullable()
    .optional(),
});

/** audit.verify: optionally with a checkpoint (the JSON of an audit.checkpoint event or digest) pasted. */
export const ZAuditVerifyRequest = z.object({
  workspaceId: ZWorkspaceId,
  checkpoint: zText().max(4000).optional(),
});
