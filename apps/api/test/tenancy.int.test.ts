// Tenant isolation and the permission matrix, generated from the router itself: every workspace
// procedure is found by walking appRouter, so a new one is covered without editing this file
// (and a workspace procedure without a fixture below fails the suite until it gets one).
import { can, PERMISSIONS, type Permission, ROLES, type Role } from '@postern/contracts';
import { createBulkJob, getBulkJob } from '@postern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/router.ts';
import { addMember, type Client, type Harness, newAccount, startHarness } from './support/harness.ts';

interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  permission: Permission | undefined;
  takesWorkspace: boolean;
}

function proceduresOf(): ProcedureInfo[] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: ProcedureInfo['type']; meta?: { permission?: Permission }; inputs: unknown[] } }
  >;
  return Object.entries(procedures).map(([path, procedure]) => {
    const inputs = procedure._def.inputs as { shape?: Record<string, unknown> }[];
    return {
      path,
      type: procedure._def.type,
      permission: procedure._def.meta?.permission,
      takesWorkspace: inputs.some((schema) => Boolean(schema?.shape && 'workspaceId' in schema.shape)),
    };
  });
}

let h: Harness;
let a: Awaited<ReturnType<typeof newAccount>>;
let b: Awaited<ReturnType<typeof newAccount>>;
/** B's resources, which A must not reach by id. */
const bIds: Record<string, string> = {};
const roles: Partial<Record<Role, Client>> = {};
let matrixWorkspace = '';

/**
 * For each workspace procedure: an input naming B's resources while claiming A's workspace, or null
 * when the procedure takes no resource id (the workspaceId check covers it).
 */
const CROSS_TENANT_INPUTS: Record<string, ((workspaceId: string) => Record<string, unknown>) | null> = {
  'workspaces.get': null,
  'workspaces.rename': null,
  'workspaces.leave': null,
  'workspaces.setRequireTwoFactor': null,
  'home.overview': null,
  'members.list': null,
  'members.invite': null,
  'members.revokeInvitation': (workspaceId) => ({ workspaceId, invitationId: bIds.invitation }),
  'members.changeRole': (workspaceId) => ({ workspaceId, memberId: bIds.member, role: 'viewer' }),
  'members.remove': (workspaceId) => ({ workspaceId, memberId: bIds.member }),
  'audit.list': null,
  'audit.export': null,
  'audit.verify': null,
  'apiKeys.list': null,
  'apiKeys.create': null,
  'apiKeys.revoke': (workspaceId) => ({ workspaceId, keyId: bIds.apiKey }),
  'apiKeys.roll': (workspaceId) => ({ workspaceId, keyId: bIds.apiKey, overlapHours: 1 }),
  'apiKeys.usage': null,
  'apiKeys.plan': null,
  'validation.check': null,
  'bulk.list': null,
  'bulk.get': (workspaceId) => ({ workspaceId, jobId: bIds.bulkJob }),
  'bulk.results': (workspaceId) => ({ workspaceId, jobId: bIds.bulkJob }),
  'bulk.preview': null,
  'bulk.cancel': (workspaceId) => ({ workspaceId, jobId: bIds.bulkJob }),
  'bulk.retry': (workspaceId) => ({ workspaceId, jobId: bIds.bulkJob }),
  'bulk.delete': (workspaceId) => ({ workspaceId, jobId: bIds.bulkJob }),
  'policies.get': null,
  'policies.set': null,
  'policies.dryRun': null,
  'ownership.leaveState': null,
  'ownership.deletionState': null,
  'ownership.transfer': (workspaceId) => ({ workspaceId, memberId: bIds.member }),
  'ownership.requestDeletion': null,
  'ownership.cancelDeletion': null,
  'webhooks.list': null,
  'webhooks.get': (workspaceId) => ({ workspaceId, endpointId: bIds.webhookEndpoint }),
  'webhooks.create': null,
  'webhooks.update': (workspaceId) => ({ workspaceId, endpointId: bIds.webhookEndpoint, enabled: false }),
  'webhooks.delete': (workspaceId) => ({ workspaceId, endpointId: bIds.webhookEndpoint }),
  'webhooks.revealSecret': (workspaceId) => ({ workspaceId, endpointId: bIds.webhookEndpoint }),
  'webhooks.rotateSecret': (workspaceId) => ({ workspaceId, endpointId: bIds.webhookEndpoint }),
  'webhooks.deliveries': (workspaceId) => ({ workspaceId, endpointId: bIds.webhookEndpoint }),
  'webhooks.resend': (workspaceId) => ({ workspaceId, deliveryId: bIds.webhookDelivery }),
  'webhooks.sendTest': (workspaceId) => ({ workspaceId, endpointId: bIds.webhookEndpoint }),
  'contacts.list': null,
  'contacts.get': (workspaceId) => ({ workspaceId, contactId: bIds.contact }),
  'contacts.create': null,
  'contacts.update': (workspaceId) => ({
    workspaceId,
    contactId: bIds.contact,
    data: { name: 'A was here' },
  }),
  'contacts.import': (workspaceId) => ({
    workspaceId,
    listId: bIds.list,
    basis: 'consent',
    rows: [{ email: 'a-import@postern-a.com' }],
  }),
  'contacts.delete': (workspaceId) => ({ workspaceId, contactId: bIds.contact }),
  'contacts.erase': (workspaceId) => ({ workspaceId, contactId: bIds.contact }),
  'contacts.export': (workspaceId) => ({ workspaceId, contactId: bIds.contact }),
  'contacts.consent': (workspaceId) => ({ workspaceId, contactId: bIds.contact }),
  'contacts.lists.list': null,
  'contacts.lists.get': (workspaceId) => ({ workspaceId, listId: bIds.list }),
  'contacts.lists.consentTexts': (workspaceId) => ({ workspaceId, listId: bIds.list }),
  'contacts.lists.create': null,
  'contacts.lists.update': (workspaceId) => ({
    workspaceId,
    listId: bIds.list,
    data: { name: 'Taken over' },
  }),
  'contacts.lists.delete': (workspaceId) => ({ workspaceId, listId: bIds.list }),
  'contacts.lists.subscribe': (workspaceId) => ({
    workspaceId,
    listId: bIds.list,
    contact: { email: 'a-sub@postern-a.com' },
  }),
  'contacts.lists.unsubscribe': (workspaceId) => ({
    workspaceId,
    contactId: bIds.contact,
    listId: bIds.list,
  }),
  'contacts.suppressions.list': null,
  'contacts.suppressions.add': null,
  'contacts.suppressions.remove': (workspaceId) => ({ workspaceId, suppressionId: bIds.suppression }),
  'contacts.suppressions.export': null,
  'contactImports.preview': null,
  'contactImports.list': null,
  'contactImports.get': (workspaceId) => ({ workspaceId, importId: bIds.contactImport }),
  'contactImports.report': (workspaceId) => ({ workspaceId, importId: bIds.contactImport }),
  'contactImports.cancel': (workspaceId) => ({ workspaceId, importId: bIds.contactImport }),
  'mailboxes.list': null,
  'mailboxes.get': (workspaceId) => ({ workspaceId, mailboxId: bIds.mailbox }),
  'mailboxes.connect': null,
  'mailboxes.test': (workspaceId) => ({ workspaceId, mailboxId: bIds.mailbox }),
  'mailboxes.replaceCredentials': (workspaceId) => ({
    workspaceId,
    mailboxId: bIds.mailbox,
    username: 'a@postern-a.com',
    password: 'A tries B',
  }),
  'mailboxes.disconnect': (workspaceId) => ({ workspaceId, mailboxId: bIds.mailbox }),
  'mailboxes.updateIdentity': (workspaceId) => ({ workspaceId, mailboxId: bIds.mailbox, fromName: 'A' }),
  'mailboxes.startAliasVerification': (workspaceId) => ({
    workspaceId,
    mailboxId: bIds.mailbox,
    address: 'a@postern-a.com',
  }),
  'mailboxes.confirmAliasVerification': (workspaceId) => ({
    workspaceId,
    mailboxId: bIds.mailbox,
    verificationId: bIds.aliasVerification,
    code: '123456',
  }),
  'mailboxes.checkSenderAuth': (workspaceId) => ({ workspaceId, mailboxId: bIds.mailbox }),
  'mailboxes.oauthProviders': null,
  'mailboxes.oauthStart': null,
  'campaigns.list': null,
  'campaigns.get': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.create': null,
  'campaigns.update': (workspaceId) => ({
    workspaceId,
    campaignId: bIds.campaign,
    data: { name: 'A was here' },
  }),
  'campaigns.duplicate': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.remove': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.preview': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.testSend': (workspaceId) => ({
    workspaceId,
    campaignId: bIds.campaign,
    to: ['a@postern-a.com'],
  }),
  'campaigns.checklist': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.schedule': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.pause': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.resume': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.cancel': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.metrics': (workspaceId) => ({ workspaceId, campaignId: bIds.campaign }),
  'campaigns.settings.get': null,
  'campaigns.settings.update': (workspaceId) => ({
    workspaceId,
    senders: [{ mailboxId: bIds.mailbox, postalAddress: 'A was here' }],
  }),
};

beforeAll(async () => {
  h = await startHarness();
  a = await newAccount(h.app);
  b = await newAccount(h.app);
  // B's workspace has a second member and a pending invitation.
  const bMember = await newAccount(h.app);
  await addMember(h, b.client, b.workspaceId, bMember, 'member');
  await b.client.mutate('members.invite', {
    workspaceId: b.workspaceId,
    email: 'pending@example.test',
    role: 'viewer',
  });
  const bList = await b.client.query<{
    members: { id: string; email: string }[];
    invitations: { id: string }[];
  }>('members.list', {
    workspaceId: b.workspaceId,
  });
  bIds.member = bList.data?.members.find((m) => m.email === bMember.email)?.id ?? '';
  bIds.invitation = bList.data?.invitations[0]?.id ?? '';
  const bKey = await b.client.mutate<{ key: { id: string } }>('apiKeys.create', {
    workspaceId: b.workspaceId,
    name: 'B key',
  });
  bIds.apiKey = bKey.data?.key.id ?? '';
  const bJob = await createBulkJob(
    {
      em: h.orm.em.fork(),
      keyring: h.keyring,
      clock: h.clock,
      queue: h.boss,
      actor: null,
      meta: { ip: null, userAgent: null },
    },
    b.workspaceId,
    { source: ['b-only@postern-b.com'], depth: 'standard' },
  );
  bIds.bulkJob = bJob.id;
  const bHook = await b.client.mutate<{ endpoint: { id: string } }>('webhooks.create', {
    workspaceId: b.workspaceId,
    url: 'https://hooks.example.test/b',
    eventTypes: ['bulk_job.completed'],
  });
  bIds.webhookEndpoint = bHook.data?.endpoint.id ?? '';
  const bTest = await b.client.mutate<{ delivery: { id: string } }>('webhooks.sendTest', {
    workspaceId: b.workspaceId,
    endpointId: bIds.webhookEndpoint,
  });
  bIds.webhookDelivery = bTest.data?.delivery.id ?? '';
  // B's audience: a list, a subscribed contact and a manual suppression.
  const bAudience = await b.client.mutate<{ id: string }>('contacts.lists.create', {
    workspaceId: b.workspaceId,
    name: 'B news',
    doubleOptIn: false,
    consentText: 'Yes, send me B news',
  });
  bIds.list = bAudience.data?.id ?? '';
  const bSub = await b.client.mutate<{ contact: { id: string } }>('contacts.lists.subscribe', {
    workspaceId: b.workspaceId,
    listId: bIds.list,
    contact: { email: 'b-reader@postern-b.com', name: 'B reader' },
  });
  bIds.contact = bSub.data?.contact.id ?? '';
  // B's contact import (queued: its rows are not needed to be refused).
  const [bImport] = (await h.orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into contact_import (id, workspace_id, list_id, status, basis, mapping, created_at, touched_at)
       values (gen_random_uuid(), ?, ?, 'queued', 'consent', '{"emailColumn":"email"}', now(), now()) returning id`,
      [b.workspaceId, bIds.list],
    )) as { id: string }[];
  bIds.contactImport = bImport?.id ?? '';
  await b.client.mutate('contacts.suppressions.add', {
    workspaceId: b.workspaceId,
    emails: ['b-gone@postern-b.com'],
  });
  const bSupp = await b.client.query<{ suppressions: { id: string }[] }>('contacts.suppressions.list', {
    workspaceId: b.workspaceId,
  });
  bIds.suppression = bSupp.data?.suppressions[0]?.id ?? '';

  // B's mailbox and a pending alias proof, written directly (refusals come before any connection).
  bIds.mailbox = crypto.randomUUID();
  bIds.aliasVerification = crypto.randomUUID();
  const bSql = h.orm.em.fork().getConnection();
  await bSql.execute(
    `insert into mailbox (id, workspace_id, email, imap_host, imap_port, imap_security, smtp_host, smtp_port,
                          smtp_security, username, password, from_address, created_at, updated_at)
     values (?, ?, 'b@postern-b.com', 'imap.postern-b.com', 993, 'tls', 'smtp.postern-b.com', 465, 'tls',
             'b@postern-b.com', null, 'b@postern-b.com', now(), now())`,
    [bIds.mailbox, b.workspaceId],
  );
  await bSql.execute(
    `insert into mailbox_alias_verification (id, mailbox_id, workspace_id, address, code_hash, expires_at, created_at)
     values (?, ?, ?, 'alias@postern-b.com', ?, now() + interval '30 minutes', now())`,
    [bIds.aliasVerification, bIds.mailbox, b.workspaceId, '0'.repeat(64)],
  );

  // B's draft campaign (#31).
  const bCampaign = await b.client.mutate<{ id: string }>('campaigns.create', {
    workspaceId: b.workspaceId,
    name: 'B launch',
    listId: bIds.list,
  });
  bIds.campaign = bCampaign.data?.id ?? '';

  // One workspace with a member of each role (and a second owner, so owners can act freely).
  const owner = await newAccount(h.app);
  matrixWorkspace = owner.workspaceId;
  roles.owner = owner.client;
  for (const role of ['admin', 'member', 'viewer'] as const) {
    const account = await newAccount(h.app);
    await addMember(h, owner.client, matrixWorkspace, account, role);
    roles[role] = account.client;
  }
});

afterAll(async () => {
  await h.close();
});

const call = (client: Client, procedure: ProcedureInfo, input: unknown) =>
  procedure.type === 'query' ? client.query(procedure.path, input) : client.mutate(procedure.path, input);

describe('the router', () => {
  const procedures = proceduresOf();

  it('declares a permission on exactly the procedures that take a workspace id', () => {
    for (const p of procedures)
      expect({ path: p.path, scoped: Boolean(p.permission) }).toEqual({
        path: p.path,
        scoped: p.takesWorkspace,
      });
    expect(procedures.filter((p) => p.permission).length).toBeGreaterThanOrEqual(10);
  });

  it('has a cross-tenant fixture for every workspace procedure', () => {
    const scoped = procedures
      .filter((p) => p.permission)
      .map((p) => p.path)
      .sort();
    expect(Object.keys(CROSS_TENANT_INPUTS).sort()).toEqual(scoped);
  });
});

describe('cross-tenant access', () => {
  const scoped = proceduresOf().filter((p) => p.permission);

  it.each(scoped)('$path refuses a member of A naming workspace B', async (procedure) => {
    const res = await call(a.client, procedure, { workspaceId: b.workspaceId });
    expect(res.error?.data.code).toBe('NOT_FOUND');
  });

  it.each(scoped.filter((p) => CROSS_TENANT_INPUTS[p.path]))(
    "$path refuses B's resources inside A's workspace",
    async (procedure) => {
      const input = CROSS_TENANT_INPUTS[procedure.path]?.(a.workspaceId);
      const res = await call(a.client, procedure, input);
      expect(res.error?.data.code).toBe('NOT_FOUND');
    },
  );

  it("left B's workspace untouched", async () => {
    const list = await b.client.query<{ members: { id: string; role: string }[]; invitations: unknown[] }>(
      'members.list',
      {
        workspaceId: b.workspaceId,
      },
    );
    expect(list.data?.members.find((m) => m.id === bIds.member)?.role).toBe('member');
    expect(list.data?.invitations).toHaveLength(1);
    const keys = await b.client.query<{ keys: { id: string; revokedAt: string | null }[] }>('apiKeys.list', {
      workspaceId: b.workspaceId,
    });
    expect(keys.data?.keys.find((k) => k.id === bIds.apiKey)?.revokedAt).toBeNull();
    const hooks = await b.client.query<{ endpoints: { id: string; enabled: boolean }[] }>('webhooks.list', {
      workspaceId: b.workspaceId,
    });
    expect(hooks.data?.endpoints.find((e) => e.id === bIds.webhookEndpoint)?.enabled).toBe(true);
  });

  it("left B's mailbox untouched", async () => {
    const rows = (await h.orm.em
      .fork()
      .getConnection()
      .execute(
        'select from_name, status, (select used_at from mailbox_alias_verification where mailbox_id = m.id) as used_at from mailbox m where id = ?',
        [bIds.mailbox],
      )) as { from_name: string | null; status: string; used_at: string | null }[];
    expect(rows).toEqual([{ from_name: null, status: 'connected', used_at: null }]);
  });

  it("left B's campaign untouched", async () => {
    expect(bIds.campaign).toBeTruthy();
    const campaign = await b.client.query<{ name: string; status: string }>('campaigns.get', {
      workspaceId: b.workspaceId,
      campaignId: bIds.campaign,
    });
    expect(campaign.data).toMatchObject({ name: 'B launch', status: 'draft' });
    const rows = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select postal_address from mailbox where id = ?', [bIds.mailbox])) as {
      postal_address: string | null;
    }[];
    expect(rows).toEqual([{ postal_address: null }]);
  });

  it("left B's bulk job untouched", async () => {
    const job = await getBulkJob({ em: h.orm.em.fork() }, b.workspaceId, bIds.bulkJob ?? '');
    expect(job).toMatchObject({ status: 'queued', total: 1, retries: 0 });
  });

  it("left B's audience untouched", async () => {
    expect(bIds.contact && bIds.list && bIds.suppression).toBeTruthy();
    const contact = await b.client.query<{ name: string; subscriptions: { status: string }[] }>(
      'contacts.get',
      {
        workspaceId: b.workspaceId,
        contactId: bIds.contact,
      },
    );
    expect(contact.data).toMatchObject({ name: 'B reader', subscriptions: [{ status: 'active' }] });
    const list = await b.client.query<{ name: string }>('contacts.lists.get', {
      workspaceId: b.workspaceId,
      listId: bIds.list,
    });
    expect(list.data?.name).toBe('B news');
    const supp = await b.client.query<{ suppressions: { id: string }[] }>('contacts.suppressions.list', {
      workspaceId: b.workspaceId,
    });
    expect(supp.data?.suppressions.map((s) => s.id)).toEqual([bIds.suppression]);
  });

  it('refuses a workspace procedure without a workspace id', async () => {
    const res = await a.client.query('members.list', {});
    expect(res.error?.data.code).toBe('BAD_REQUEST');
  });
});

describe('role × action matrix', () => {
  // `leave` runs to completion with just a workspace id; it is allowed to every role and tested on its own.
  const scoped = proceduresOf().filter((p) => p.permission && p.path !== 'workspaces.leave');
  const cases = scoped.flatMap((procedure) => ROLES.map((role) => ({ ...procedure, role })));

  it.each(cases)('$role → $path', async ({ role, ...procedure }) => {
    const client = roles[role];
    if (!client || !procedure.permission) throw new Error('setup');
    const res = await call(client, procedure, { workspaceId: matrixWorkspace });
    if (can(role, procedure.permission)) expect(res.error?.data.code).not.toBe('FORBIDDEN');
    else expect(res.error?.data.code).toBe('FORBIDDEN');
  });

  // Pinned by name, not read back from the router: moving erase back to `contacts.write` (or widening
  // `contacts.erase`) passes the walk above, and fails here.
  it('contacts.erase: a member or viewer is refused FORBIDDEN and erases nothing; an admin erases', async () => {
    const owner = roles.owner;
    if (!owner) throw new Error('setup');
    expect(proceduresOf().find((p) => p.path === 'contacts.erase')?.permission).toBe('contacts.erase');
    const made = await owner.mutate<{ id: string }>('contacts.create', {
      workspaceId: matrixWorkspace,
      email: `erase-matrix-${Date.now()}@postern-a.com`,
    });
    const contactId = made.data?.id ?? '';
    expect(contactId).toBeTruthy();
    const input = { workspaceId: matrixWorkspace, contactId };
    for (const role of ['member', 'viewer'] as const) {
      const refused = await roles[role]?.mutate('contacts.erase', input);
      expect([role, refused?.error?.data.code]).toEqual([role, 'FORBIDDEN']);
    }
    expect((await owner.query('contacts.get', input)).status).toBe(200);
    const erased = await roles.admin?.mutate('contacts.erase', input);
    expect(erased?.status, JSON.stringify(erased?.error)).toBe(200);
    expect((await owner.query('contacts.get', input)).error?.data.code).toBe('NOT_FOUND');
  });

  it('matches the written matrix in docs/permissions.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/permissions.md', import.meta.url), 'utf8');
    for (const [permission, allowed] of Object.entries(PERMISSIONS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${permission}\``));
      expect(row, permission).toBeTruthy();
      const cells = (row ?? '').split('|').map((c) => c.trim());
      ROLES.forEach((role, i) => {
        expect(cells[3 + i], `${permission} ${role}`).toBe(
          (allowed as readonly string[]).includes(role) ? '✓' : '—',
        );
      });
    }
  });
});
