// The acceptance test of #28: after an erasure completes (clock advanced past the grace), a dump of
// PostgreSQL (every table of every schema, partitions included, each row as text) and of Redis (every
// key of the test's prefix, names and values) holds none of the person's address, IP address, user
// agent, tokens or credentials, in any form (secretForms: as is, URL-encoded, hex, base64…), except in
// the tables the erasure registry keeps with a stated reason. It prints every table. The audit log is
// kept (its reason in the registry) but must be clean too: its entries (chain version 2) hold the
// person's IP, agent and addresses only sealed under their key, which the erasure destroyed.
import { AUTH_COOKIES } from '@postern/contracts';
import { ERASURE_REGISTRY, KV_REGISTRY, verifyAuditChain } from '@postern/core';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import { expect, it } from 'vitest';
import { dumpRedis } from './support/dumps.ts';
import { runErasure } from './support/erasure.ts';
import {
  addMember,
  Client,
  invitationToken,
  newAccount,
  STRONG_PASSWORD,
  secretForms,
} from './support/harness.ts';
import { authSuite } from './support/signed-in.ts';

const suite = authSuite();
const h = () => suite.harness();
const DAY = 24 * 60 * 60_000;

/** Every row of every table (partitions too) as text, per `schema.table`, read as the owner role. */
async function dumpTables(url: string): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string; name: string }>(
      `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') order by 1, 2`,
    );
    const out = new Map<string, string>();
    for (const t of rows) {
      const data = await client.query<{ row: string }>(
        `select t::text as row from "${t.schema}"."${t.name}" t`,
      );
      out.set(`${t.schema}.${t.name}`, data.rows.map((r) => r.row).join('\n'));
    }
    return out;
  } finally {
    await client.end();
  }
}

it('leaves none of the person in PostgreSQL or Redis but where the registry says why', async () => {
  const ip = '10.77.201.33';
  const userAgent = 'ErasureProbe/7.3 (unique-agent-5c1e)';
  const person = new Client(h().app, { ip, userAgent });
  const p = await newAccount(h().app);
  // Sign in again from the person's own device, so sessions and audit entries hold their IP and agent.
  await person.mutate('auth.signIn', { email: p.email, password: STRONG_PASSWORD });
  const enrol = await person.mutate<{ secret: string }>('account.enrolTwoFactor', {
    password: STRONG_PASSWORD,
  });
  const secret = enrol.data?.secret ?? '';
  const code = () =>
    new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: h().clock.now().getTime() });
  const activation = await person.mutate<{ codes: string[] }>('account.activateTwoFactor', { code: code() });
  const codes = activation.data?.codes ?? [];
  // The file's closing scan (authSuite) also checks that none of these is kept in clear anywhere.
  for (const value of [STRONG_PASSWORD, secret, ...codes]) suite.usedSecrets.add(value);
  expect(codes.length).toBeGreaterThan(0);
  h().clock.advance(30_000);
  const key = await person.mutate<{ secret: string }>('apiKeys.create', {
    workspaceId: p.workspaceId,
    name: 'mine',
  });
  // A workspace of someone else the person joined (it stays) and created a key in.
  const other = await newAccount(h().app);
  await addMember(h(), other.client, other.workspaceId, { client: person, email: p.email }, 'admin');
  const invitation = await invitationToken(h(), p.email);
  const sharedKey = await person.mutate<{ secret: string }>('apiKeys.create', {
    workspaceId: other.workspaceId,
    name: 'shared',
  });
  const tokens = {
    refresh: person.cookies.get(AUTH_COOKIES.refresh) ?? '',
    access: person.cookies.get(AUTH_COOKIES.access) ?? '',
  };
  const requested = await person.mutate('privacy.requestDeletion', {
    password: STRONG_PASSWORD,
    code: code(),
  });
  expect(requested.status).toBe(200);
  h().clock.advance(31 * DAY);
  try {
    expect((await runErasure(h())).accounts).toBe(1);
  } finally {
    h().clock.advance(-31 * DAY - 30_000);
  }

  const person_data: Record<string, string> = {
    email: p.email,
    'email local part': p.email.split('@')[0] ?? p.email,
    ip,
    'user agent': userAgent,
    password: STRONG_PASSWORD,
    'TOTP secret': secret,
    'refresh token': tokens.refresh,
    'access token': tokens.access,
    'API key': key.data?.secret ?? 'missing',
    'API key (shared workspace)': sharedKey.data?.secret ?? 'missing',
    'invitation token': invitation,
    ...Object.fromEntries(codes.map((c, i) => [`recovery code ${i + 1}`, c])),
  };
  for (const [what, value] of Object.entries(person_data)) expect(value.length, what).toBeGreaterThan(7);
  const find = (text: string) =>
    Object.entries(person_data)
      .filter(([, value]) => secretForms(value).some((form) => text.includes(form)))
      .map(([what]) => what);

  const tables = await dumpTables(h().db.url);
  const report: string[] = [];
  const unexplained: string[] = [];
  for (const [table, text] of tables) {
    const found = find(text);
    const parent = table.replace(/_\d{8}$/, '').replace(/^pgboss\.job_common$/, 'pgboss.job');
    const entry = ERASURE_REGISTRY[table] ?? ERASURE_REGISTRY[parent];
    if (!found.length) report.push(`${table}: clean`);
    else if (entry?.class === 'keep')
      report.push(`${table}: kept by the registry (${found.join(', ')}): ${entry.why}`);
    else unexplained.push(`${table}: ${found.join(', ')}`);
  }
  const redis: string[] = [];
  const keys = await dumpRedis(h().redisPrefix);
  for (const [key, text] of keys) {
    const found = find(text);
    if (!found.length) continue;
    const kept = KV_REGISTRY.find((entry) => key.startsWith(entry.prefix));
    if (kept) report.push(`redis ${key}: kept by the registry (${found.join(', ')}): ${kept.why}`);
    else redis.push(`${key}: ${found.join(', ')}`);
  }
  report.push(`redis: ${keys.size} keys of ${h().redisPrefix}*, ${redis.length} unexplained`);
  console.info(`erasure scan, ${tables.size} tables and Redis:\n${report.join('\n')}`);
  expect(unexplained).toEqual([]);
  expect(redis).toEqual([]);
  expect(tables.size).toBeGreaterThan(30);
  // The audit log keeps its entries about the person (its stated reason), but nothing of them in clear:
  // what was sealed under their key can no longer be opened (the key is gone), and its chains verify.
  expect(report).toContain('public.audit_entry: clean');
  const sql = (text: string, params: unknown[]) =>
    h().orm.em.fork().getConnection().execute(text, params) as Promise<Record<string, string>[]>;
  const [sealed] = await sql(
    `select count(*) filter (where sealed is not null) as sealed, count(*) filter (where ip is not null) as clear
       from audit_entry where subject_id = ?`,
    [p.userId],
  );
  expect(Number(sealed?.sealed)).toBeGreaterThan(3);
  expect(sealed?.clear).toBe('0');
  expect(await sql('select id from subject_key where subject_id = ?', [p.userId])).toEqual([]);
  const scopes = await sql(
    'select distinct scope from audit_entry where subject_id = ? or actor_id = ? or target_id = ?',
    [p.userId, p.userId, p.userId],
  );
  expect(scopes.length).toBeGreaterThan(1);
  for (const { scope } of scopes)
    expect(await verifyAuditChain({ em: h().orm.em.fork() }, scope ?? ''), scope).toMatchObject({ ok: true });
  // The tables the scan calls clean do hold what is still there: the other person's address.
  const notKept = [...tables].filter(([table]) => ERASURE_REGISTRY[table]?.class !== 'keep');
  expect(notKept.map(([, text]) => text).join('\n')).toContain(other.email);
});
