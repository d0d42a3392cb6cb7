// Helpers of the API-key tests: creating a key through the dashboard API (its secret registered for
// the calling file's log scan) and a GET on the public API with a bearer key.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { newAccount } from './harness.ts';

/** keyFor(account, name?) that pushes every secret it is shown into `secrets`. */
export function keyForHelper(secrets: string[]) {
  return async function keyFor(account: Awaited<ReturnType<typeof newAccount>>, name = 'Production Server') {
    const res = await account.client.mutate<{ key: { id: string; displayPrefix: string }; secret: string }>(
      'apiKeys.create',
      {
        workspaceId: account.workspaceId,
        name,
      },
    );
    expect(res.status).toBe(200);
    secrets.push(res.data?.secret ?? '');
    return {
      id: res.data?.key.id ?? '',
      secret: res.data?.secret ?? '',
      displayPrefix: res.data?.key.displayPrefix ?? '',
    };
  };
}

export const get = (app: FastifyInstance, url: string, key?: string, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'GET',
    url,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  });
