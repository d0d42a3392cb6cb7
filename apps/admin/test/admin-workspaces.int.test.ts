// The operator console's plan, workspace, notice and audit commands, run as a separate process against
// the database and Redis of a real in-process API: the usage panel and the rate limiter follow a plan
// change and custom limits, notices reach owners through the mail outbox, and `audit verify --all`
// exits non-zero on a broken chain. Every action is in the instance chain with --as and --reason.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get } from '../../api/test/support/api-keys.ts';
import { addMember, newAccount } from '../../api/test/support/harness.ts';
import { AS, adminSuite, createKey, instanceAudit } from './support.ts';

const { harness, admin, secrets } = adminSuite();
const REASON = ['--reason', 'contract #88 signed'];

describe('plans and workspace set-plan', () => {
  it('lists the plans with their limits', async () => {
    const run = await admin(['plans']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^starter\s+Starter\s+60\s+100\s/m);
    expect(run.stdout).toMatch(/^professional\s+Professional\s+100\s+200\s/m);
    expect(run.stdout).toMatch(/^business\s+Business\s+300\s+500\s/m);
  });

  it('moves a workspace to a plan with custom limits: the usage panel, /v1/usage and the limiter follow', async () => {
    const account = await newAccount(harness().app);
    const key = await createKey(account, secrets);
    const run = await admin([
      'workspace',
      'set-plan',
      account.workspaceId,
      'professional',
      '--limit',
      'perMinute=6',
      '--limit',
      'burst=3',
      ...AS,
      ...REASON,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/plan starter → professional; limits now 6 per minute, burst 3 \(custom\)/);

    const panel = await account.client.query<{ plan: string; limits: unknown }>('apiKeys.plan', {
      workspaceId: account.workspaceId,
    });
    expect(panel.data).toMatchObject({ plan: 'professional', limits: { perMinute: 6, burst: 3 } });
    const usage = await get(harness().app, '/v1/usage', key.secret);
    expect(usage.json()).toMatchObject({ plan: 'professional', limits: { perMinute: 6, burst: 3 } });
    // The bucket holds 3: the usage call took one, two more pass, the next is refused.
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(harness().app, '/v1/me', key.secret)).statusCode);
    expect(statuses).toEqual([200, 200, 429]);

    const [entry] = (await instanceAudit(harness())).filter((e) => e.event_type === 'instance.plan_changed');
    expect(entry).toMatchObject({
      target_type: 'workspace',
      target_id: account.workspaceId,
      metadata: {
        operator: 'Olga Operator',
        reason: 'contract #88 signed',
        from: { plan: 'starter', perMinute: null, burst: null },
        to: { plan: 'professional', perMinute: 6, burst: 3 },
      },
    });

    const reset = await admin([
      'workspace',
      'set-plan',
      account.workspaceId,
      'business',
      '--reset-limits',
      ...AS,
      ...REASON,
    ]);
    expect(reset.stdout).toMatch(/limits now 300 per minute, burst 500$/m);
    const show = await admin(['workspace', 'show', account.workspaceId, ...AS, '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({
      plan: 'business',
      limits: { perMinute: 300, burst: 500 },
      customLimits: { perMinute: null, burst: null },
      suspended: false,
      apiKeys: { live: 1, total: 1 },
      members: [{ email: account.email, role: 'owner', disabled: false }],
    });
  });

  it('refuses an unknown plan (exit 1) and a malformed limit (exit 2), changing nothing', async () => {
    const account = await newAccount(harness().app);
    const before = await instanceAudit(harness());
    const [plan, limit, unknown] = await Promise.all([
      admin(['workspace', 'set-plan', account.workspaceId, 'platinum', ...AS, ...REASON]),
      // (The other malformed limits are refused in-process: cli.test.ts.)
      admin([
        'workspace',
        'set-plan',
        account.workspaceId,
        'business',
        '--limit',
        'perMinute=0',
        ...AS,
        ...REASON,
      ]),
      admin(['workspace', 'show', '00000000-0000-4000-8000-000000000000', ...AS]),
    ]);
    expect(plan).toMatchObject({ code: 1, stdout: '' });
    expect(plan.stderr).toBe(
      'postern admin: unknown plan "platinum": one of starter, professional, business\n',
    );
    expect(limit.code).toBe(2);
    expect(limit.stderr).toMatch(/--limit perMinute must be a whole number from 1 to 1000000/);
    expect(unknown.stderr).toBe(
      'postern admin: no workspace with the id "00000000-0000-4000-8000-000000000000"\n',
    );
    expect(await instanceAudit(harness())).toEqual(before);
  });

  it('lists workspaces with their plan, limits and owners', async () => {
    const account = await newAccount(harness().app);
    const run = await admin(['workspace', 'list', '--limit', '1000', ...AS]);
    expect(run.code).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.startsWith(account.workspaceId));
    expect(line).toMatch(new RegExp(`starter\\s+60\\s+100\\s+1\\s+${account.email.replace(/\./g, '\\.')}`));
  });
});

describe('notify', () => {
  it('mails owners (each once, no disabled account, no mere member) through the outbox, and audits', async () => {
    const alice = await newAccount(harness().app);
    const bob = await newAccount(harness().app);
    const carol = await newAccount(harness().app);
    await addMember(harness(), alice.client, alice.workspaceId, bob, 'member');
    await admin(['user', 'disable', carol.email, ...AS, ...REASON]);
    const body = join(tmpdir(), `notice-${Date.now()}.txt`);
    await writeFile(body, 'We restarted the database at 02:00 UTC.\n\nNo data was lost. <b>Sorry</b>.\n');

    const one = await admin([
      'notify',
      '--workspace',
      alice.workspaceId,
      '--subject',
      'Incident 7',
      '--body-file',
      body,
      ...AS,
      ...REASON,
    ]);
    expect(one.stdout).toBe('notice queued for 1 owner(s); the worker sends it\n');
    const all = await admin([
      'notify',
      '--all',
      '--subject',
      'Incident 8',
      '--body-file',
      body,
      ...AS,
      ...REASON,
    ]);
    expect(all.code).toBe(0);

    const mails = await harness().mails();
    expect(mails.filter((m) => m.subject === 'Incident 7').map((m) => m.to)).toEqual([alice.email]);
    const eight = mails.filter((m) => m.subject === 'Incident 8').map((m) => m.to);
    expect(eight).toEqual(expect.arrayContaining([alice.email, bob.email]));
    expect(eight).not.toContain(carol.email);
    expect(new Set(eight).size).toBe(eight.length);
    const notice = mails.find((m) => m.subject === 'Incident 7');
    expect(notice?.text).toContain('No data was lost. <b>Sorry</b>.');

    const entries = (await instanceAudit(harness())).filter(
      (e) => e.event_type === 'instance.owners_notified',
    );
    expect(entries.map((e) => e.metadata)).toEqual([
      expect.objectContaining({
        audience: 'workspace',
        subject: 'Incident 7',
        recipients: 1,
        reason: REASON[1],
      }),
      expect.objectContaining({ audience: 'all', subject: 'Incident 8', recipients: eight.length }),
    ]);
    expect(
      (
        await admin([
          'notify',
          '--all',
          '--workspace',
          alice.workspaceId,
          '--subject',
          's',
          '--body-file',
          body,
          ...AS,
          ...REASON,
        ])
      ).code,
    ).toBe(2);
  });
});

describe('audit verify', () => {
  it('verifies every chain, the instance one included, and exits 1 when one is broken', async () => {
    const account = await newAccount(harness().app);
    const ok = await admin(['audit', 'verify', '--all', ...AS]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok\s+instance: \d+ entries/m);
    expect(ok.stdout).toMatch(new RegExp(`^ok\\s+ws:${account.workspaceId}: `, 'm'));
    expect(ok.stdout).toMatch(/\d+ chain\(s\) verified, 0 broken\n$/);

    // Rewritten as the owner role, which can lift the append-only trigger (the application role cannot).
    const owner = harness().db.url;
    const { createOrm } = await import('@postern/db');
    const orm = await createOrm({ databaseUrl: owner, poolMax: 1 });
    try {
      const conn = orm.em.fork().getConnection();
      await conn.execute('alter table audit_entry disable trigger audit_entry_immutable');
      await conn.execute(`update audit_entry set metadata = '{"name":"forged"}' where workspace_id = ?`, [
        account.workspaceId,
      ]);
      await conn.execute('alter table audit_entry enable trigger audit_entry_immutable');
    } finally {
      await orm.close(true);
    }
    const broken = await admin(['audit', 'verify', '--all', ...AS]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      new RegExp(`^BROKEN\\s+ws:${account.workspaceId}: .*\\n\\s+altered at 1`, 'm'),
    );
    expect(broken.stderr).toBe(`postern admin: 1 audit chain(s) broken: ws:${account.workspaceId}\n`);
    const runs = (await instanceAudit(harness())).filter((e) => e.event_type === 'instance.audit_verified');
    expect(runs.at(-1)?.metadata).toMatchObject({ operator: 'Olga Operator', broken: 1 });
  });
});
