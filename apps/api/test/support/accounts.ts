// Test accounts through the API: unique addresses, sign-up then sign-in, new accounts with their
// workspace, and invited members.
import type { FastifyInstance } from 'fastify';
import { Client } from './client.ts';
import type { Harness } from './harness.ts';

export const STRONG_PASSWORD = 'Correct-Horse-Battery-9';
let counter = 0;
export const uniqueEmail = () => `user${Date.now()}${counter++}@example.test`;

let signUpAddresses = 0;
/** A fresh client address for each sign-up, so test set-ups stay under the per-IP sign-up limit. */
export const signUpIp = () => `10.254.${(signUpAddresses >> 8) & 255}.${signUpAddresses++ & 255}`;

/**
 * Signs `email` up (from a fresh address) and then in with `client`, as the dashboard does: sign-up
 * answers "check your email" without a session. Returns the sign-in's result.
 */
export async function signUpAndIn(client: Client, email: string, password = STRONG_PASSWORD) {
  const signUp = await client.mutate('auth.signUp', { email, password }, { ip: signUpIp() });
  if (signUp.status !== 200) throw new Error(`sign-up failed: ${JSON.stringify(signUp.error)}`);
  const res = await client.mutate<{ status: string; user: { id: string; email: string } }>('auth.signIn', {
    email,
    password,
  });
  if (res.status !== 200) throw new Error(`sign-in after sign-up failed: ${JSON.stringify(res.error)}`);
  return res;
}

/** Signs a new account up through the API; returns its client, address and first workspace. */
export async function newAccount(app: FastifyInstance, options: { email?: string } = {}) {
  const client = new Client(app);
  const email = options.email ?? uniqueEmail();
  const res = await signUpAndIn(client, email);
  const list = await client.query<{ workspaces: { id: string }[] }>('workspaces.list');
  const workspaceId = list.data?.workspaces[0]?.id ?? '';
  return { client, email, userId: res.data?.user.id ?? '', workspaceId };
}

/** The token of the newest invitation mailed to `email`. */
export async function invitationToken(h: Harness, email: string): Promise<string> {
  const mails = (await h.mails()).filter((m) => m.to === email && /invited you/.test(m.subject));
  const text = mails[mails.length - 1]?.text ?? '';
  const link = /https?:\/\/\S+\/invitations\/accept\?token=[^\s"<]+/.exec(text)?.[0];
  if (!link) throw new Error(`no invitation mailed to ${email}`);
  return new URL(link).searchParams.get('token') ?? '';
}

/** Invites `email` into the workspace as `role` and accepts with that account's client. */
export async function addMember(
  h: Harness,
  owner: Client,
  workspaceId: string,
  member: { client: Client; email: string },
  role: string,
) {
  const invite = await owner.mutate('members.invite', {
    workspaceId,
    email: member.email,
    role: role === 'owner' ? 'admin' : role,
  });
  if (invite.status !== 200) throw new Error(`invite failed: ${JSON.stringify(invite.error)}`);
  const accept = await member.client.mutate('invitations.accept', {
    token: await invitationToken(h, member.email),
  });
  if (accept.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accept.error)}`);
  if (role === 'owner') {
    const members = await owner.query<{ members: { id: string; email: string }[] }>('members.list', {
      workspaceId,
    });
    const id = members.data?.members.find((m) => m.email === member.email)?.id;
    const change = await owner.mutate('members.changeRole', { workspaceId, memberId: id, role: 'owner' });
    if (change.status !== 200) throw new Error(`promotion failed: ${JSON.stringify(change.error)}`);
  }
}
