// Audit actors, targets and labels (#24): an API key acting is named as the actor (type api_key, id
// and name, kept with the entry); one target label on every entry about an object, revoked or not;
// separate actor and target filters; role changes record from → to; the hash chain stays valid.
import { LEGACY_API_KEY_SCOPES } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

interface Entry {
  eventType: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  metadata: Record<string, unknown> | null;
}

type Account = Awaited<ReturnType<typeof newAccount>>;

const list = async (account: Account, filter: Record<string, unknown> = {}) =>
  (
    await account.client.query<{ entries: Entry[] }>('audit.list', {
      workspaceId: account.workspaceId,
      ...filter,
    })
  ).data?.entries ?? [];

describe('audit actors and labels', () => {
  it('a job created with an API key names the key as actor; the key reads the same when revoked', async () => {
    const owner = await newAccount(h.app);
    const created = await owner.client.mutate<{ key: { id: string }; secret: string }>('apiKeys.create', {
      workspaceId: owner.workspaceId,
      name: 'sdk-test',
      scopes: [...LEGACY_API_KEY_SCOPES],
    });
    const keyId = created.data?.key.id ?? '';
    const label = `Key “sdk-test” (${keyId.slice(0, 8)})`;
    const job = await h.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${created.data?.secret}`, 'content-type': 'application/json' },
      payload: { emails: ['a@example.com'], name: 'April list' },
    });
    expect(job.statusCode).toBe(201);
    const jobId = job.json().id as string;
    expect(
      (await owner.client.mutate('apiKeys.revoke', { workspaceId: owner.workspaceId, keyId })).status,
    ).toBe(200);

    const entries = await list(owner);
    const byType = (type: string) => entries.find((e) => e.eventType === type);
    expect(byType('bulk_job.created')).toMatchObject({
      actorType: 'api_key',
      actorId: null,
      actorLabel: label,
      targetLabel: `Job “April list” (${jobId.slice(0, 8)})`,
      metadata: { apiKeyId: keyId, apiKeyName: 'sdk-test' },
    });
    expect(byType('apikey.created')).toMatchObject({ actorType: 'user', targetLabel: label });
    expect(byType('apikey.revoked')).toMatchObject({ actorType: 'user', targetLabel: label });
    expect(byType('apikey.created')?.actorLabel).toBe(owner.email);

    // The actor filter by key finds what the key did, and nothing a member did.
    const byKey = await list(owner, { actorKeyId: keyId });
    expect(byKey.map((e) => e.eventType)).toEqual(['bulk_job.created']);
    expect(await list(owner, { actorKeyId: owner.userId })).toEqual([]);
  });

  it('actor and target filters are separate: role changes made to bob are found by target', async () => {
    const owner = await newAccount(h.app);
    const bob = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, bob, 'member');
    const members = await owner.client.query<{ members: { id: string; userId: string }[] }>('members.list', {
      workspaceId: owner.workspaceId,
    });
    const bobMember = members.data?.members.find((m) => m.userId === bob.userId);
    for (const role of ['admin', 'member'])
      await owner.client.mutate('members.changeRole', {
        workspaceId: owner.workspaceId,
        memberId: bobMember?.id,
        role,
      });
    const roleChanges = { eventTypes: ['member.role_changed'] };
    // By actor (bob did none of them) — what the old single "member" filter did.
    expect(await list(owner, { ...roleChanges, actorId: bob.userId })).toEqual([]);
    const aboutBob = await list(owner, { ...roleChanges, targetId: bob.userId, targetType: 'user' });
    expect(aboutBob.map((e) => e.metadata)).toEqual([
      { from: 'admin', to: 'member' },
      { from: 'member', to: 'admin' },
    ]);
    for (const entry of aboutBob) {
      expect(entry.actorLabel).toBe(owner.email);
      expect(entry.targetLabel).toBe(`User “${bob.email}” (${bob.userId.slice(0, 8)})`);
    }
    expect(await list(owner, { ...roleChanges, actorId: owner.userId, targetId: bob.userId })).toHaveLength(
      2,
    );

    const verified = await owner.client.mutate<{ ok: boolean }>('audit.verify', {
      workspaceId: owner.workspaceId,
    });
    expect(verified.data?.ok).toBe(true);
  });

  it('an endpoint update records each changed field from → to (the URL by its host)', async () => {
    const owner = await newAccount(h.app);
    const created = await owner.client.mutate<{ endpoint: { id: string } }>('webhooks.create', {
      workspaceId: owner.workspaceId,
      url: 'https://hooks.example.test/a?token=secret-a',
      description: 'CRM',
      eventTypes: ['bulk_job.completed'],
    });
    const endpointId = created.data?.endpoint.id ?? '';
    const updated = await owner.client.mutate('webhooks.update', {
      workspaceId: owner.workspaceId,
      endpointId,
      url: 'https://other.example.test/b?token=secret-b',
      description: 'Billing',
      eventTypes: ['bulk_job.completed', 'bulk_job.failed'],
    });
    expect(updated.status).toBe(200);
    const [entry] = await list(owner, { eventTypes: ['webhook.endpoint_updated'] });
    expect(entry?.metadata).toMatchObject({
      from: { host: 'hooks.example.test', description: 'CRM', eventTypes: ['bulk_job.completed'] },
      to: {
        host: 'other.example.test',
        description: 'Billing',
        eventTypes: ['bulk_job.completed', 'bulk_job.failed'],
      },
    });
    expect(JSON.stringify(entry?.metadata)).not.toContain('secret-');
    expect(entry?.targetLabel).toBe(`Webhook “Billing” (${endpointId.slice(0, 8)})`);
  });

  it('the export has the labels too', async () => {
    const owner = await newAccount(h.app);
    await owner.client.mutate('workspaces.rename', { workspaceId: owner.workspaceId, name: 'Renamed' });
    const file = await owner.client.mutate<{ body: string }>('audit.export', {
      workspaceId: owner.workspaceId,
      format: 'csv',
    });
    const [header, ...rows] = (file.data?.body ?? '').trim().split('\n');
    expect(header).toContain('actorType,actorLabel');
    expect(header).toContain('targetLabel');
    expect(rows.some((row) => row.includes(`Workspace “Renamed” (${owner.workspaceId.slice(0, 8)})`))).toBe(
      true,
    );
  });
});
