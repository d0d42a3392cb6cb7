import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Harness, invitationToken, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type MemberList = {
  members: { id: string; email: string; role: string; you: boolean }[];
  invitations: { id: string; email: string }[];
};

describe('workspaces', () => {
  it('gives every new account a workspace it owns, and lets it create and rename more', async () => {
    const { client, workspaceId, email } = await newAccount(h.app);
    const list = await client.query<{ workspaces: { id: string; role: string; name: string }[] }>(
      'workspaces.list',
    );
    expect(list.data?.workspaces).toEqual([
      expect.objectContaining({ id: workspaceId, role: 'owner', name: `${email.split('@')[0]}'s workspace` }),
    ]);
    const created = await client.mutate<{ id: string }>('workspaces.create', { name: 'Second' });
    expect(created.status).toBe(200);
    const renamed = await client.mutate<{ name: string }>('workspaces.rename', {
      workspaceId: created.data?.id,
      name: '  Marketing  ',
    });
    expect(renamed.data?.name).toBe('Marketing');
    expect((await client.mutate('workspaces.rename', { workspaceId, name: '' })).error?.data.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await client.query<{ workspaces: unknown[] }>('workspaces.list')).data?.workspaces).toHaveLength(
      2,
    );
  });
});

describe('invitations', () => {
  it('invite → email → accept makes a member with the invited role, once', async () => {
    const owner = await newAccount(h.app);
    const invitee = await newAccount(h.app);
    expect(
      (
        await owner.client.mutate('members.invite', {
          workspaceId: owner.workspaceId,
          email: invitee.email,
          role: 'member',
        })
      ).status,
    ).toBe(200);
    const token = await invitationToken(h, invitee.email);
    const preview = await invitee.client.mutate<{ workspaceName: string; role: string; invitedBy: string }>(
      'invitations.preview',
      { token },
    );
    expect(preview.data).toMatchObject({ role: 'member', invitedBy: owner.email });
    const accepted = await invitee.client.mutate<{ id: string; role: string }>('invitations.accept', {
      token,
    });
    expect(accepted.data).toMatchObject({ id: owner.workspaceId, role: 'member' });
    expect((await invitee.client.mutate('invitations.accept', { token })).error?.data.code).toBe(
      'BAD_REQUEST',
    );
    const list = await owner.client.query<MemberList>('members.list', { workspaceId: owner.workspaceId });
    expect(list.data?.members.map((m) => [m.email, m.role])).toEqual([
      [owner.email, 'owner'],
      [invitee.email, 'member'],
    ]);
    expect(list.data?.invitations).toEqual([]);
  });

  it('can only be accepted by the invited address', async () => {
    const owner = await newAccount(h.app);
    const other = await newAccount(h.app);
    await owner.client.mutate('members.invite', {
      workspaceId: owner.workspaceId,
      email: 'someone-else@example.test',
      role: 'viewer',
    });
    const token = await invitationToken(h, 'someone-else@example.test');
    expect((await other.client.mutate('invitations.accept', { token })).error?.data.code).toBe('FORBIDDEN');
  });

  it('expires after 7 days, and can be revoked or declined', async () => {
    const owner = await newAccount(h.app);
    const invitee = await newAccount(h.app);
    await owner.client.mutate('members.invite', {
      workspaceId: owner.workspaceId,
      email: invitee.email,
      role: 'viewer',
    });
    const token = await invitationToken(h, invitee.email);
    h.clock.advance(8 * 86_400_000);
    try {
      expect((await invitee.client.mutate('auth.refresh')).status).toBe(200);
      expect((await invitee.client.mutate('invitations.accept', { token })).error?.data.code).toBe(
        'BAD_REQUEST',
      );
    } finally {
      h.clock.advance(-8 * 86_400_000);
    }
    const list = await owner.client.query<MemberList>('members.list', { workspaceId: owner.workspaceId });
    expect(
      (
        await owner.client.mutate('members.revokeInvitation', {
          workspaceId: owner.workspaceId,
          invitationId: list.data?.invitations[0]?.id,
        })
      ).status,
    ).toBe(200);
    expect((await invitee.client.mutate('invitations.accept', { token })).error?.data.code).toBe(
      'BAD_REQUEST',
    );

    await owner.client.mutate('members.invite', {
      workspaceId: owner.workspaceId,
      email: invitee.email,
      role: 'viewer',
    });
    const second = await invitationToken(h, invitee.email);
    expect((await invitee.client.mutate('invitations.decline', { token: second })).status).toBe(200);
    expect((await invitee.client.mutate('invitations.accept', { token: second })).error?.data.code).toBe(
      'BAD_REQUEST',
    );
  });

  it('refuses to invite an existing member', async () => {
    const owner = await newAccount(h.app);
    const member = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, member, 'member');
    const res = await owner.client.mutate('members.invite', {
      workspaceId: owner.workspaceId,
      email: member.email,
      role: 'admin',
    });
    expect(res.error?.data.code).toBe('CONFLICT');
  });
});

describe('roles', () => {
  it('keeps at least one owner, and only owners touch ownership', async () => {
    const owner = await newAccount(h.app);
    const admin = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, admin, 'admin');
    const list = async () =>
      (await owner.client.query<MemberList>('members.list', { workspaceId: owner.workspaceId })).data
        ?.members ?? [];
    const ownerId = (await list()).find((m) => m.email === owner.email)?.id;
    const adminId = (await list()).find((m) => m.email === admin.email)?.id;

    expect(
      (
        await owner.client.mutate('members.changeRole', {
          workspaceId: owner.workspaceId,
          memberId: ownerId,
          role: 'admin',
        })
      ).error?.data.code,
    ).toBe('CONFLICT');
    expect(
      (await owner.client.mutate('workspaces.leave', { workspaceId: owner.workspaceId })).error?.data.code,
    ).toBe('CONFLICT');
    expect(
      (await admin.client.mutate('members.remove', { workspaceId: owner.workspaceId, memberId: ownerId }))
        .error?.data.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await admin.client.mutate('members.changeRole', {
          workspaceId: owner.workspaceId,
          memberId: adminId,
          role: 'owner',
        })
      ).error?.data.code,
    ).toBe('FORBIDDEN');

    expect(
      (
        await owner.client.mutate('members.changeRole', {
          workspaceId: owner.workspaceId,
          memberId: adminId,
          role: 'owner',
        })
      ).status,
    ).toBe(200);
    expect((await owner.client.mutate('workspaces.leave', { workspaceId: owner.workspaceId })).status).toBe(
      200,
    );
    expect(
      (await owner.client.query('workspaces.get', { workspaceId: owner.workspaceId })).error?.data.code,
    ).toBe('NOT_FOUND');
    expect(
      (await admin.client.query<{ role: string }>('workspaces.get', { workspaceId: owner.workspaceId })).data
        ?.role,
    ).toBe('owner');
  });

  it('removed members lose access at once', async () => {
    const owner = await newAccount(h.app);
    const member = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, member, 'member');
    const id = (
      await owner.client.query<MemberList>('members.list', { workspaceId: owner.workspaceId })
    ).data?.members.find((m) => m.email === member.email)?.id;
    expect((await member.client.query('members.list', { workspaceId: owner.workspaceId })).status).toBe(200);
    expect(
      (await owner.client.mutate('members.remove', { workspaceId: owner.workspaceId, memberId: id })).status,
    ).toBe(200);
    expect(
      (await member.client.query('members.list', { workspaceId: owner.workspaceId })).error?.data.code,
    ).toBe('NOT_FOUND');
  });
});
