// A deletion request (#28) refuses the API keys of the workspaces that go with it at once on every API
// process: another process that has just used (and cached, for 5 s) a key refuses it on the next
// request, through the revocation markers in Redis; cancelling lifts them just as fast.
import { describe, expect, it } from 'vitest';
import { get, keyForHelper } from './support/api-keys.ts';
import { newAccount, STRONG_PASSWORD } from './support/harness.ts';
import { authSuite } from './support/signed-in.ts';

const suite = authSuite({ instances: 2 });
const h = () => suite.harness();
const keyFor = keyForHelper([]);

describe('keys of a workspace being deleted, on two API processes', () => {
  it('are refused at once by the process that did not handle the request, and restored by a cancel', async () => {
    const [first, second] = h().apps;
    if (!first || !second) throw new Error('two instances');
    const a = await newAccount(first);
    suite.usedSecrets.add(STRONG_PASSWORD);
    const key = await keyFor(a);
    suite.usedSecrets.add(key.secret);
    // The second process knows the key (cached).
    expect((await get(second, '/v1/usage', key.secret)).statusCode).toBe(200);
    const res = await a.client.mutate('ownership.requestDeletion', {
      workspaceId: a.workspaceId,
      password: STRONG_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect((await get(second, '/v1/usage', key.secret)).statusCode).toBe(403);
    expect((await a.client.mutate('ownership.cancelDeletion', { workspaceId: a.workspaceId })).status).toBe(
      200,
    );
    expect((await get(second, '/v1/usage', key.secret)).statusCode).toBe(200);
  });
});
