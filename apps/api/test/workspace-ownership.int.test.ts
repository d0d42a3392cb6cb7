// Workspace ownership (#28): the only owner cannot leave and is told why before trying; ownership
// moves to another member (owners only, audited); a workspace is deleted by an owner with 30 days of
// grace (keys refused at once, cancellable), then erased by the worker.
import { describe, expect, it } from 'vitest';
import { get, keyForHelper } from './support/api-keys.ts';
import { runErasure } from './support/erasure.ts';
import { addMember, type Client, newAccount, STRONG_PASSWORD } from './support/harness.ts';
import { authSuite } from './support/signed-in.ts';

const suite = authSuite();
const h = () => suite.harness();
const keyFor = keyForHelper([]);
const DAY = 24 * 60 * 60_000;

async function team() {
  const owner = await newAccount(h().app);
  const admin = await newAccount(h().app);
  suite.usedSecrets.add(STRONG_PASSWORD);
  await addMember(h(), owner.client, owner.workspaceId, admin, 'admin');
  const members = await owner.client.query<{ members: { id: string; email: string }[] }>('members.list', {
    workspaceId: owner.workspaceId,
  });
  const adminMemberId = members.data?.members.find((m) => m.email === admin.email)?.id ?? '';
  return { owner, admin, adminMemberId, workspaceId: owner.workspaceId };
}

const leaveState = (client: Client, workspaceId: string) =>
  client.query<{ canLeave: boolean; reason: string | null }>('ownership.leaveState', { workspaceId });

describe('leaving and transferring', () => {
  it('tells the only owner they cannot leave, and why; anyone else can', async () => {
    const t = await team();
    const owner = await leaveState(t.owner.client, t.workspaceId);
    expect(owner.data).toEqual({
      canLeave: false,
      reason: expect.stringMatching(/only owner.*Transfer ownership/),
    });
    expect(
      (await t.owner.client.mutate('workspaces.leave', { workspaceId: t.workspaceId })).error?.data.code,
    ).toBe('CONFLICT');
    expect((await leaveState(t.admin.client, t.workspaceId)).data).toEqual({ canLeave: true, reason: null });
  });

  it('moves ownership to another member (owners only, audited); the previous owner becomes admin', async () => {
    const t = await team();
    const byAdmin = await t.admin.client.mutate('ownership.transfer', {
      workspaceId: t.workspaceId,
      memberId: t.adminMemberId,
    });
    expect(byAdmin.error?.data.code).toBe('FORBIDDEN');
    const res = await t.owner.client.mutate('ownership.transfer', {
      workspaceId: t.workspaceId,
      memberId: t.adminMemberId,
    });
    expect(res.status).toBe(200);
    const members = await t.owner.client.query<{ members: { email: string; role: string }[] }>(
      'members.list',
      {
        workspaceId: t.workspaceId,
      },
    );
    const roles = Object.fromEntries((members.data?.members ?? []).map((m) => [m.email, m.role]));
    expect(roles).toEqual({ [t.owner.email]: 'admin', [t.admin.email]: 'owner' });
    expect((await leaveState(t.owner.client, t.workspaceId)).data?.canLeave).toBe(true);
    const audit = await t.admin.client.query<{ entries: { eventType: string }[] }>('audit.list', {
      workspaceId: t.workspaceId,
    });
    expect(audit.data?.entries.map((e) => e.eventType)).toContain('workspace.ownership_transferred');
  });
});

describe('deleting a workspace', () => {
  it('needs an owner and the password; refuses keys at once; cancelling restores them', async () => {
    const t = await team();
    const key = await keyFor(t.owner);
    suite.usedSecrets.add(key.secret);
    const byAdmin = await t.admin.client.mutate('ownership.requestDeletion', {
      workspaceId: t.workspaceId,
      password: STRONG_PASSWORD,
    });
    expect(byAdmin.error?.data.code).toBe('FORBIDDEN');
    const wrong = await t.owner.client.mutate('ownership.requestDeletion', {
      workspaceId: t.workspaceId,
      password: 'Wrong-password-1',
    });
    expect(wrong.error?.data.code).toBe('UNAUTHENTICATED');
    expect((await get(h().app, '/v1/usage', key.secret)).statusCode).toBe(200);

    const res = await t.owner.client.mutate('ownership.requestDeletion', {
      workspaceId: t.workspaceId,
      password: STRONG_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect((await get(h().app, '/v1/usage', key.secret)).statusCode).toBe(403);
    const state = await t.admin.client.query<{ eraseAt: string | null }>('ownership.deletionState', {
      workspaceId: t.workspaceId,
    });
    expect(state.data?.eraseAt).toBeTruthy();
    expect(
      (await t.owner.client.mutate('ownership.cancelDeletion', { workspaceId: t.workspaceId })).status,
    ).toBe(200);
    expect((await get(h().app, '/v1/usage', key.secret)).statusCode).toBe(200);
  });

  it('is erased 30 days after the request, with its keys and memberships', async () => {
    const t = await team();
    const key = await keyFor(t.owner);
    suite.usedSecrets.add(key.secret);
    await t.owner.client.mutate('ownership.requestDeletion', {
      workspaceId: t.workspaceId,
      password: STRONG_PASSWORD,
    });
    h().clock.advance(31 * DAY);
    try {
      expect((await runErasure(h())).workspaces).toBeGreaterThanOrEqual(1);
    } finally {
      h().clock.advance(-31 * DAY);
    }
    expect((await get(h().app, '/v1/usage', key.secret)).statusCode).toBe(401);
    const list = await t.admin.client.query<{ workspaces: { id: string }[] }>('workspaces.list');
    expect(list.data?.workspaces.map((w) => w.id)).not.toContain(t.workspaceId);
  });
});
