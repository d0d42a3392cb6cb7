// Runs the operator console as operators do: a separate process (`node apps/admin/src/main.ts …`) on
// the database and Redis of an in-process API harness (apps/api/test/support/harness.ts), under the
// restricted application role. Every output is kept, for the scan for secrets at the end of a file.
import { fileURLToPath } from 'node:url';
import { testServices } from '@postern/runtime';
import { runNodeScript, type ScriptRun } from '@postern/runtime/testing';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  type Client,
  findLoggedSecrets,
  type Harness,
  STRONG_PASSWORD,
  startHarness,
} from '../../api/test/support/harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export type AdminRun = ScriptRun;

/** The environment the API of `h` runs with, as the console's. */
export function adminEnv(h: Harness): Record<string, string> {
  return {
    DATABASE_URL: h.db.appUrl,
    REDIS_URL: testServices().redisUrl,
    REDIS_KEY_PREFIX: h.redisPrefix,
    POSTERN_SECRET: h.config.secret,
    PUBLIC_URL: h.config.publicUrl,
  };
}

export function adminConsole(h: () => Harness) {
  const outputs: string[] = [];
  async function admin(args: string[], env: Record<string, string> = {}): Promise<AdminRun> {
    const run = await runNodeScript(MAIN, args, { ...adminEnv(h()), ...env });
    outputs.push(run.stdout, run.stderr);
    return run;
  }
  return { admin, outputs };
}

/** The instance chain's entries, oldest first. */
export async function instanceAudit(h: Harness) {
  return (await h.orm.em
    .fork()
    .getConnection()
    .execute(
      `select seq, event_type, actor_id, target_type, target_id, subject_id, metadata from audit_entry
        where scope = 'instance' order by seq`,
    )) as {
    seq: number;
    event_type: string;
    actor_id: string | null;
    target_type: string | null;
    target_id: string | null;
    /** Whose key seals the entry's personal data (chain version 2). */
    subject_id: string | null;
    metadata: Record<string, unknown>;
  }[];
}

export const AS = ['--as', 'Olga Operator'];

/** Creates an API key through the dashboard API; its secret is pushed into `secrets`. */
export async function createKey(
  account: { client: Client; workspaceId: string },
  secrets: Set<string>,
): Promise<{ id: string; secret: string }> {
  const res = await account.client.mutate<{ key: { id: string }; secret: string }>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name: 'Production Server',
  });
  if (res.status !== 200 || !res.data)
    throw new Error(`apiKeys.create: ${res.status} ${JSON.stringify(res.error)}`);
  secrets.add(res.data.secret);
  return { id: res.data.key.id, secret: res.data.secret };
}

/**
 * Every secret and secret hash stored in the database (password hashes, TOTP ciphertexts, recovery
 * code, refresh token and API key hashes): none may appear in anything the console prints.
 */
export async function storedSecrets(h: Harness): Promise<string[]> {
  const rows = (await h.orm.em
    .fork()
    .getConnection()
    .execute(
      `select password_hash as s from app_user
       union all select totp_secret from app_user where totp_secret is not null
       union all select code_hash from auth_recovery_code union all select token_hash from auth_refresh_token
       union all select key_hash from api_key`,
    )) as { s: string }[];
  return rows.map((row) => row.s);
}

/**
 * A test file's API harness and console: the API starts before the file's tests; after them, no secret
 * the tests registered in `secrets`, nor any the database stores, may appear in a console output.
 */
export function adminSuite() {
  let current: Harness | undefined;
  const harness = () => {
    if (!current) throw new Error('the harness starts in beforeAll');
    return current;
  };
  const secrets = new Set<string>([STRONG_PASSWORD]);
  const { admin, outputs } = adminConsole(harness);
  beforeAll(async () => {
    current = await startHarness();
  });
  afterAll(async () => {
    const h = harness();
    try {
      expect(findLoggedSecrets(outputs, [...secrets, ...(await storedSecrets(h))])).toEqual([]);
    } finally {
      await h.close();
    }
  });
  return { harness, admin, secrets };
}
