// Helpers of the /v1 contacts, lists and suppressions tests: API keys with chosen scopes, JSON calls
// with a bearer key, and what the database holds (row counts, the webhook outbox) read directly.
import { API_KEY_SCOPES, type ApiKeyScope } from '@postern/contracts';
import { expect } from 'vitest';
import type { Harness, newAccount } from './harness.ts';

export type Account = Awaited<ReturnType<typeof newAccount>>;

/** A key of the account's workspace holding exactly `scopes` (every scope by default); its secret. */
export async function keyWith(account: Account, scopes: readonly ApiKeyScope[] = API_KEY_SCOPES) {
  const res = await account.client.mutate<{ secret: string; key: { id: string } }>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name: `Key ${scopes.length === API_KEY_SCOPES.length ? 'all' : scopes.join(' ')}`.slice(0, 80),
    scopes,
  });
  expect(res.status).toBe(200);
  return { secret: res.data?.secret ?? '', id: res.data?.key.id ?? '' };
}

export type V1 = ReturnType<typeof v1Caller>;

/** `call(method, url, body?, headers?)` on /v1 with the key; a body is sent as JSON. */
export function v1Caller(h: Harness, secret: string) {
  return (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = {}) =>
    h.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${secret}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
}

/** Rows of an audience table in the workspace. */
export async function countRows(
  h: Harness,
  table: 'contact' | 'contact_list' | 'subscription' | 'suppression' | 'consent_event',
  workspaceId: string,
): Promise<number> {
  const rows = (await h.orm.em
    .fork()
    .getConnection()
    .execute(`select count(*)::int as n from ${table} where workspace_id = ?`, [workspaceId])) as {
    n: number;
  }[];
  return rows[0]?.n ?? 0;
}

/** The webhook outbox of the workspace, oldest first. */
export async function outbox(h: Harness, workspaceId: string) {
  return (await h.orm.em
    .fork()
    .getConnection()
    .execute('select type, payload from outbox_event where workspace_id = ? order by created_at, id', [
      workspaceId,
    ])) as { type: string; payload: Record<string, unknown> }[];
}

let addresses = 0;
/** An address no other test uses. */
export const personEmail = (tag = 'person') => `${tag}-${Date.now()}-${addresses++}@postern-contacts.com`;
