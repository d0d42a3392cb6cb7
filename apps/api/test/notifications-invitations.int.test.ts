// Two dashboard promises of #24: a notification about an object deleted since says so
// (`targetDeleted`), and signing up from an invitation sent to the address proves it (the account
// starts verified, no confirmation link is mailed) — but only for that address and a usable invitation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationToken } from './support/accounts.ts';
import { dashboardHeaders, multipart } from './support/bulk.ts';
import {
  Client,
  type Harness,
  newAccount,
  STRONG_PASSWORD,
  startHarness,
  uniqueEmail,
} from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

interface Notice {
  kind: string;
  link: string | null;
  targetDeleted: boolean;
}

describe('notifications', () => {
  it('say when the job they are about was deleted', async () => {
    const owner = await newAccount(h.app);
    // A file without a single address: the job ends (completed) as it is created, and notifies.
    const upload = async (name: string) => {
      const body = multipart([
        ['name', name],
        { content: 'email\nnot an address\n', filename: `${name}.csv` },
      ]);
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/w/${owner.workspaceId}/jobs`,
        headers: { ...(await dashboardHeaders(owner.client)), 'content-type': body.contentType },
        payload: body.payload,
      });
      expect(res.statusCode).toBe(201);
      return res.json().id as string;
    };
    const kept = await upload('kept');
    const gone = await upload('gone');
    expect(
      (await owner.client.mutate('bulk.delete', { workspaceId: owner.workspaceId, jobId: gone })).status,
    ).toBe(200);
    const list = await owner.client.query<{ notifications: Notice[] }>('notifications.list');
    const about = (jobId: string) => list.data?.notifications.find((n) => n.link?.endsWith(`/jobs/${jobId}`));
    expect(about(kept)).toMatchObject({ kind: 'bulk_job.completed', targetDeleted: false });
    expect(about(gone)).toMatchObject({ kind: 'bulk_job.completed', targetDeleted: true });
  });
});

describe('signing up from an invitation', () => {
  async function invite(email: string) {
    const owner = await newAccount(h.app);
    const res = await owner.client.mutate('members.invite', {
      workspaceId: owner.workspaceId,
      email,
      role: 'member',
    });
    expect(res.status).toBe(200);
    return invitationToken(h, email);
  }

  const signUp = (input: Record<string, unknown>) =>
    new Client(h.app).mutate('auth.signUp', { password: STRONG_PASSWORD, ...input });

  async function me(email: string) {
    const client = new Client(h.app);
    await client.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    return (await client.query<{ emailVerified: boolean }>('auth.me')).data;
  }

  const confirmations = async (email: string) =>
    (await h.mails()).filter((m) => m.to === email && /Confirm your email/.test(m.subject));

  it('with the invited address: verified at once, no confirmation mail', async () => {
    const email = uniqueEmail();
    const token = await invite(email);
    expect((await signUp({ email, invitationToken: token })).status).toBe(200);
    expect(await me(email)).toMatchObject({ emailVerified: true });
    expect(await confirmations(email)).toEqual([]);
  });

  it('with another address, or a made-up token: not verified, the confirmation link is mailed', async () => {
    const token = await invite(uniqueEmail());
    const other = uniqueEmail();
    expect((await signUp({ email: other, invitationToken: token })).status).toBe(200);
    expect(await me(other)).toMatchObject({ emailVerified: false });
    expect(await confirmations(other)).toHaveLength(1);
    const forged = uniqueEmail();
    expect((await signUp({ email: forged, invitationToken: 'x'.repeat(43) })).status).toBe(200);
    expect(await me(forged)).toMatchObject({ emailVerified: false });
  });
});
