// Members and invitations. Invitations are emailed single-use links (stored as keyed hashes) that
// expire after 7 days; accepting needs an account with the invited address. A workspace always
// keeps at least one owner, and only owners grant or take away ownership.
import type { Role } from '@postern/contracts';
import { Invitation, Membership, User, Workspace } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { keyedHash, randomToken } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { invitationMessage } from '../system-mail/index.ts';

export const INVITATION_TTL_DAYS = 7;

/** What member and invitation operations use of the core context. */
type MembersCtx = Pick<CoreContext, 'em' | 'clock' | 'meta' | 'config' | 'sendMail'>;

const invitationHash = (ctx: Pick<MembersCtx, 'config'>, token: string) =>
  keyedHash(ctx.config.secret, 'invitation', token);

export async function listMembers(ctx: MembersCtx, workspaceId: string, viewerId: string) {
  const members = await ctx.em.find(Membership, { workspaceId }, { orderBy: { createdAt: 'asc' } });
  const users = await ctx.em.find(User, { id: { $in: members.map((m) => m.userId) } });
  const emails = new Map(users.map((u) => [u.id, u.email]));
  const now = ctx.clock.now();
  const invitations = await ctx.em.find(
    Invitation,
    { workspaceId, acceptedAt: null, declinedAt: null, revokedAt: null, expiresAt: { $gt: now } },
    { orderBy: { createdAt: 'desc' } },
  );
  const inviters = await ctx.em.find(User, { id: { $in: invitations.map((i) => i.invitedBy) } });
  const inviterEmails = new Map(inviters.map((u) => [u.id, u.email]));
  return {
    members: members.map((m) => ({
      id: m.id,
      userId: m.userId,
      email: emails.get(m.userId) ?? '(deleted account)',
      role: m.role,
      joinedAt: m.createdAt.toISOString(),
      you: m.userId === viewerId,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      invitedBy: inviterEmails.get(i.invitedBy) ?? null,
      expiresAt: i.expiresAt.toISOString(),
      createdAt: i.createdAt.toISOString(),
    })),
  };
}

export async function inviteMember(
  ctx: MembersCtx,
  workspaceId: string,
  actorId: string,
  input: { email: string; role: 'admin' | 'member' | 'viewer' },
) {
  const existingUser = await ctx.em.findOne(User, { email: input.email });
  if (existingUser && (await ctx.em.findOne(Membership, { workspaceId, userId: existingUser.id }))) {
    throw new DomainError('CONFLICT', `${input.email} is already a member`);
  }
  const now = ctx.clock.now();
  // A new invitation replaces a pending one for the same address.
  await ctx.em.nativeUpdate(
    Invitation,
    { workspaceId, email: input.email, acceptedAt: null, declinedAt: null, revokedAt: null },
    { revokedAt: now },
  );
  const token = randomToken(32);
  const invitation = ctx.em.create(Invitation, {
    workspaceId,
    email: input.email,
    role: input.role,
    tokenHash: invitationHash(ctx, token),
    invitedBy: actorId,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000),
    acceptedAt: null,
    declinedAt: null,
    revokedAt: null,
  });
  recordAudit(ctx.em, ctx.clock, {
    type: 'member.invited',
    actorId,
    workspaceId,
    target: { type: 'invitation', id: invitation.id },
    meta: ctx.meta,
    metadata: { email: input.email, role: input.role },
  });
  await ctx.em.flush();
  const workspace = await ctx.em.findOneOrFail(Workspace, { id: workspaceId });
  const inviter = await ctx.em.findOneOrFail(User, { id: actorId });
  await ctx.sendMail(
    invitationMessage({
      to: input.email,
      workspaceName: workspace.name,
      invitedBy: inviter.email,
      role: input.role,
      link: `${ctx.config.publicUrl}/invitations/accept?token=${encodeURIComponent(token)}`,
      expiresInDays: INVITATION_TTL_DAYS,
    }),
  );
  return invitation;
}

export async function revokeInvitation(
  ctx: MembersCtx,
  workspaceId: string,
  actorId: string,
  invitationId: string,
) {
  const revoked = await ctx.em.nativeUpdate(
    Invitation,
    { id: invitationId, workspaceId, acceptedAt: null, declinedAt: null, revokedAt: null },
    { revokedAt: ctx.clock.now() },
  );
  if (revoked !== 1) throw new DomainError('NOT_FOUND', 'No such pending invitation');
  recordAudit(ctx.em, ctx.clock, {
    type: 'member.invitation_revoked',
    actorId,
    workspaceId,
    target: { type: 'invitation', id: invitationId },
    meta: ctx.meta,
  });
  await ctx.em.flush();
}

/** The invitation of `token` when it can still be used (not accepted, declined, revoked or expired). */
async function usableInvitation(ctx: Pick<MembersCtx, 'em' | 'clock' | 'config'>, token: string) {
  const invitation = await ctx.em.findOne(Invitation, { tokenHash: invitationHash(ctx, token) });
  const now = ctx.clock.now();
  if (
    !invitation ||
    invitation.acceptedAt ||
    invitation.declinedAt ||
    invitation.revokedAt ||
    invitation.expiresAt <= now
  )
    return null;
  return invitation;
}

/**
 * Whether `token` is a usable invitation sent to `email`: the link was mailed there, so signing up
 * with it proves the address (the account starts verified).
 */
export async function invitationProvesEmail(
  ctx: Pick<MembersCtx, 'em' | 'clock' | 'config'>,
  token: string,
  email: string,
): Promise<boolean> {
  return (await usableInvitation(ctx, token))?.email === email;
}

async function pendingInvitation(ctx: MembersCtx, token: string) {
  const invitation = await usableInvitation(ctx, token);
  if (!invitation) {
    throw new DomainError(
      'BAD_REQUEST',
      'This invitation is invalid, expired or already used. Ask for a new one.',
    );
  }
  return invitation;
}

export async function previewInvitation(ctx: MembersCtx, token: string) {
  const invitation = await pendingInvitation(ctx, token);
  const workspace = await ctx.em.findOneOrFail(Workspace, { id: invitation.workspaceId });
  const inviter = await ctx.em.findOne(User, { id: invitation.invitedBy });
  return {
    workspaceName: workspace.name,
    email: invitation.email,
    role: invitation.role,
    invitedBy: inviter?.email ?? null,
    expiresAt: invitation.expiresAt.toISOString(),
  };
}

/** Accepts once (compare-and-set), for the account the invitation was sent to. */
export async function acceptInvitation(ctx: MembersCtx, user: User, token: string) {
  const invitation = await pendingInvitation(ctx, token);
  if (invitation.email !== user.email) {
    throw new DomainError(
      'FORBIDDEN',
      `This invitation was sent to ${invitation.email}. Sign in with that address to accept it.`,
    );
  }
  const claimed = await ctx.em.nativeUpdate(
    Invitation,
    { id: invitation.id, acceptedAt: null, declinedAt: null, revokedAt: null },
    { acceptedAt: ctx.clock.now() },
  );
  if (claimed !== 1)
    throw new DomainError(
      'BAD_REQUEST',
      'This invitation is invalid, expired or already used. Ask for a new one.',
    );
  const existing = await ctx.em.findOne(Membership, { workspaceId: invitation.workspaceId, userId: user.id });
  if (!existing)
    ctx.em.create(Membership, {
      workspaceId: invitation.workspaceId,
      userId: user.id,
      role: invitation.role,
    });
  recordAudit(ctx.em, ctx.clock, {
    type: 'member.joined',
    actorId: user.id,
    workspaceId: invitation.workspaceId,
    target: { type: 'user', id: user.id },
    meta: ctx.meta,
    metadata: { role: existing?.role ?? invitation.role, invitationId: invitation.id },
  });
  await ctx.em.flush();
  return invitation.workspaceId;
}

export async function declineInvitation(ctx: MembersCtx, user: User, token: string) {
  const invitation = await pendingInvitation(ctx, token);
  if (invitation.email !== user.email)
    throw new DomainError('FORBIDDEN', 'This invitation was sent to another address');
  await ctx.em.nativeUpdate(
    Invitation,
    { id: invitation.id, acceptedAt: null },
    { declinedAt: ctx.clock.now() },
  );
  recordAudit(ctx.em, ctx.clock, {
    type: 'member.invitation_declined',
    actorId: user.id,
    workspaceId: invitation.workspaceId,
    target: { type: 'invitation', id: invitation.id },
    meta: ctx.meta,
  });
  await ctx.em.flush();
}

async function ownerCount(ctx: MembersCtx, workspaceId: string) {
  return ctx.em.count(Membership, { workspaceId, role: 'owner' });
}

export async function changeRole(
  ctx: MembersCtx,
  workspaceId: string,
  actor: { userId: string; role: Role },
  memberId: string,
  role: Role,
) {
  const member = await ctx.em.findOne(Membership, { id: memberId, workspaceId });
  if (!member) throw new DomainError('NOT_FOUND', 'No such member');
  if ((member.role === 'owner' || role === 'owner') && actor.role !== 'owner') {
    throw new DomainError('FORBIDDEN', 'Only owners can grant or take away ownership');
  }
  if (member.role === role) return member;
  if (member.role === 'owner' && (await ownerCount(ctx, workspaceId)) <= 1) {
    throw new DomainError('CONFLICT', 'A workspace needs an owner: make someone else owner first');
  }
  const from = member.role;
  member.role = role;
  recordAudit(ctx.em, ctx.clock, {
    type: 'member.role_changed',
    actorId: actor.userId,
    workspaceId,
    target: { type: 'user', id: member.userId },
    meta: ctx.meta,
    metadata: { from, to: role },
  });
  await ctx.em.flush();
  return member;
}

export async function removeMember(
  ctx: MembersCtx,
  workspaceId: string,
  actor: { userId: string; role: Role },
  memberId: string,
) {
  const member = await ctx.em.findOne(Membership, { id: memberId, workspaceId });
  if (!member) throw new DomainError('NOT_FOUND', 'No such member');
  if (member.role === 'owner' && actor.role !== 'owner')
    throw new DomainError('FORBIDDEN', 'Only owners can remove an owner');
  if (member.role === 'owner' && (await ownerCount(ctx, workspaceId)) <= 1) {
    throw new DomainError('CONFLICT', 'The last owner cannot be removed');
  }
  await ctx.em.nativeDelete(Membership, { id: member.id });
  recordAudit(ctx.em, ctx.clock, {
    type: member.userId === actor.userId ? 'member.left' : 'member.removed',
    actorId: actor.userId,
    workspaceId,
    target: { type: 'user', id: member.userId },
    meta: ctx.meta,
    metadata: { role: member.role },
  });
  await ctx.em.flush();
}

export async function leaveWorkspace(ctx: MembersCtx, workspaceId: string, userId: string) {
  const member = await ctx.em.findOne(Membership, { workspaceId, userId });
  if (!member) throw new DomainError('NOT_FOUND', 'No such workspace');
  if (member.role === 'owner' && (await ownerCount(ctx, workspaceId)) <= 1) {
    throw new DomainError('CONFLICT', 'You are the last owner: make someone else owner before leaving');
  }
  await removeMember(ctx, workspaceId, { userId, role: member.role }, member.id);
}
