// Workspaces own every resource; members hold one role each; invitations are single-use and expire.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const WorkspaceSchema = defineEntity({
  name: 'Workspace',
  tableName: 'workspace',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    name: p.string().length(100),
    plan: p.enum(['starter', 'professional', 'business'] as const).default('starter'),
    /** Custom limits set by the instance operator (`postern admin workspace set-plan --limit`); null: the plan's. */
    rateLimitPerMinute: p.integer().nullable(),
    rateLimitBurst: p.integer().nullable(),
    /** Members without two-factor authentication are refused until they enrol (ASVS 6.3.3). */
    requireTwoFactor: p.boolean().default(false),
    /** When the workspace first checked an address (the getting-started checklist); nothing else of it. */
    firstCheckAt: p.datetime().nullable(),
    /** Deletion requested: keys refused, bulk jobs cancelled; erased 30 days later unless cancelled. */
    deletionRequestedAt: p.datetime().nullable(),
    deletionRequestedBy: p.uuid().nullable(),
    /** 'workspace': an owner deleted it; 'account': its sole owner asked to delete their account. */
    deletionCause: p.enum(['workspace', 'account'] as const).nullable(),
    /** The physical postal address of campaign footers (CAN-SPAM); required before a campaign is scheduled. */
    postalAddress: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Workspace extends WorkspaceSchema.class {}
WorkspaceSchema.setClass(Workspace);

export const MembershipSchema = defineEntity({
  name: 'Membership',
  tableName: 'workspace_member',
  uniques: [{ properties: ['workspaceId', 'userId'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspaceId: p.uuid().index(),
    userId: p.uuid().index(),
    role: p.enum(['owner', 'admin', 'member', 'viewer'] as const),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Membership extends MembershipSchema.class {}
MembershipSchema.setClass(Membership);

export const InvitationSchema = defineEntity({
  name: 'Invitation',
  tableName: 'workspace_invitation',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspaceId: p.uuid().index(),
    email: p.string().length(254),
    role: p.enum(['admin', 'member', 'viewer'] as const),
    tokenHash: p.string().length(64).unique(),
    invitedBy: p.uuid(),
    expiresAt: p.datetime(),
    acceptedAt: p.datetime().nullable(),
    declinedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Invitation extends InvitationSchema.class {}
InvitationSchema.setClass(Invitation);
