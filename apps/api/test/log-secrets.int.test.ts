// The log never holds a secret: every kind of token the product issues (invitation, email
// verification, password reset, refresh and access token, API key, webhook secret, TOTP secret,
// recovery code, sign-in challenge id) is taken through its flows against the real server, also the
// careless ways a client may send it (in a URL, in a tRPC GET input, a batch), with the log captured
// at trace level; no secret may appear in it as it is, URL-encoded, hex or base64/base64url.
import { AUTH_COOKIES, QUEUES } from '@postern/contracts';
import { ensureQueues } from '@postern/runtime';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  expectNoSecretsKept,
  findLoggedSecrets,
  type Harness,
  invitationToken,
  newAccount,
  STRONG_PASSWORD,
  secretForms,
  startHarness,
  uniqueEmail,
} from './support/harness.ts';

let h: Harness;
/** Every secret issued or used, by kind. */
const secrets = new Map<string, string[]>();
const keep = (kind: string, value: string | undefined | null) => {
  expect(value, kind).toBeTruthy();
  secrets.set(kind, [...(secrets.get(kind) ?? []), value ?? '']);
};

/** The ways a careless client or a link click may put a value in a URL; each gets logged. */
async function sendInUrls(client: Client, procedure: string, input: Record<string, unknown>, value: string) {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const encoded = encodeURIComponent(JSON.stringify(input));
  for (const url of [
    `/trpc/${procedure}?input=${encoded}`,
    `/trpc/${procedure},auth.me?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input }))}`,
    `/trpc/system.health?x=1&input=${encoded}&y=2`,
    `/verify-email?token=${encodeURIComponent(value)}`,
    `/reset-password?token=${encodeURIComponent(value)}&next=%2F`,
    `/invitations/accept?token=${encodeURIComponent(value)}`,
    `/v1/me?api_key=${encodeURIComponent(value)}`,
  ]) {
    const res = await h.app.inject({ method: 'GET', url, headers: { cookie } });
    expect(res.statusCode, url).toBeLessThan(500);
  }
}

const totp = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: h.clock.now().getTime() });

beforeAll(async () => {
  h = await startHarness({ logLevel: 'trace' });
  await ensureQueues(h.boss, [QUEUES.webhookDispatch]);
});

afterAll(async () => {
  await h?.close();
});

describe('no secret reaches the log', () => {
  it('takes every kind of token through its flows, and finds none in the log in any form', {
    timeout: 60_000,
  }, async () => {
    // Email verification: sign-up mails the link; it is used over POST and opened as a page.
    const owner = await newAccount(h.app);
    keep('password', STRONG_PASSWORD);
    const verifyMail = (await h.mails()).find((m) => m.to === owner.email && /confirm/i.test(m.subject));
    const verifyToken = /verify-email\?token=([\w-]+)/.exec(verifyMail?.text ?? '')?.[1];
    keep('email verification token', verifyToken);
    await sendInUrls(owner.client, 'auth.verifyEmail', { token: verifyToken }, verifyToken ?? '');
    expect((await owner.client.mutate('auth.verifyEmail', { token: verifyToken })).status).toBe(200);

    // Refresh and access tokens: cookies, rotated by auth.refresh.
    keep('refresh token', owner.client.cookies.get(AUTH_COOKIES.refresh));
    keep('access token', owner.client.cookies.get(AUTH_COOKIES.access));
    expect((await owner.client.mutate('auth.refresh')).status).toBe(200);
    keep('refresh token', owner.client.cookies.get(AUTH_COOKIES.refresh));
    keep('access token', owner.client.cookies.get(AUTH_COOKIES.access));

    // Invitation: mailed, previewed (as the dashboard does, and the old way over GET), accepted.
    const invitee = await newAccount(h.app);
    expect(
      (
        await owner.client.mutate('members.invite', {
          workspaceId: owner.workspaceId,
          email: invitee.email,
          role: 'member',
        })
      ).status,
    ).toBe(200);
    const invitation = await invitationToken(h, invitee.email);
    keep('invitation token', invitation);
    await sendInUrls(invitee.client, 'invitations.preview', { token: invitation }, invitation);
    expect((await invitee.client.mutate('invitations.preview', { token: invitation })).status).toBe(200);
    expect((await invitee.client.mutate('invitations.accept', { token: invitation })).status).toBe(200);

    // API key: shown once, used as a bearer token and (wrongly) in the query string.
    const key = await owner.client.mutate<{ secret: string }>('apiKeys.create', {
      workspaceId: owner.workspaceId,
      name: 'log scan',
    });
    const apiKey = key.data?.secret;
    keep('API key', apiKey);
    const v1 = await h.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(v1.statusCode).toBe(200);
    await sendInUrls(
      owner.client,
      'apiKeys.list',
      { workspaceId: owner.workspaceId, key: apiKey },
      apiKey ?? '',
    );

    // Webhook signing secret: shown at creation, revealed again, rotated.
    const hook = await owner.client.mutate<{ endpoint: { id: string }; secret: string }>('webhooks.create', {
      workspaceId: owner.workspaceId,
      url: 'https://hooks.example.test/log-scan?token=url-token-of-the-receiver-123',
      eventTypes: ['bulk_job.completed'],
    });
    keep('webhook secret', hook.data?.secret);
    keep('webhook URL token', 'url-token-of-the-receiver-123');
    const endpointId = hook.data?.endpoint.id;
    const revealed = await owner.client.mutate<{ secret: string }>('webhooks.revealSecret', {
      workspaceId: owner.workspaceId,
      endpointId,
    });
    expect(revealed.data?.secret).toBe(hook.data?.secret);
    const rotated = await owner.client.mutate<{ secret: string }>('webhooks.rotateSecret', {
      workspaceId: owner.workspaceId,
      endpointId,
      overlapHours: 1,
    });
    keep('webhook secret', rotated.data?.secret);
    await sendInUrls(
      owner.client,
      'webhooks.get',
      { workspaceId: owner.workspaceId, endpointId, secret: rotated.data?.secret },
      rotated.data?.secret ?? '',
    );

    // Two-factor: TOTP secret and recovery codes at enrolment; a sign-in challenge id, completed with
    // a recovery code, and another with a TOTP code.
    const enrol = await owner.client.mutate<{ secret: string }>('account.enrolTwoFactor', {
      password: STRONG_PASSWORD,
    });
    keep('TOTP secret', enrol.data?.secret);
    const activation = await owner.client.mutate<{ codes: string[] }>('account.activateTwoFactor', {
      code: totp(enrol.data?.secret ?? ''),
    });
    for (const code of activation.data?.codes ?? []) keep('recovery code', code);
    h.clock.advance(30_000);
    const device = new Client(h.app);
    const first = await device.mutate<{ challengeId: string }>('auth.signIn', {
      email: owner.email,
      password: STRONG_PASSWORD,
    });
    keep('sign-in challenge id', first.data?.challengeId);
    const recoveryCode = activation.data?.codes[0];
    await sendInUrls(
      device,
      'auth.verifyTwoFactor',
      { challengeId: first.data?.challengeId, recoveryCode },
      first.data?.challengeId ?? '',
    );
    const second = await device.mutate('auth.verifyTwoFactor', {
      challengeId: first.data?.challengeId,
      recoveryCode,
    });
    expect(second.status).toBe(200);
    keep('refresh token', device.cookies.get(AUTH_COOKIES.refresh));
    const again = await new Client(h.app).mutate<{ challengeId: string }>('auth.signIn', {
      email: owner.email,
      password: STRONG_PASSWORD,
    });
    keep('sign-in challenge id', again.data?.challengeId);
    expect(
      (
        await new Client(h.app).mutate('auth.verifyTwoFactor', {
          challengeId: again.data?.challengeId,
          code: totp(enrol.data?.secret ?? ''),
        })
      ).status,
    ).toBe(200);

    // Password reset: mailed link, opened as a page, used over POST (also a wrong attempt).
    await new Client(h.app).mutate('auth.requestPasswordReset', { email: invitee.email });
    const resetMail = (await h.mails()).find((m) => m.to === invitee.email && /reset/i.test(m.subject));
    const resetToken = /reset-password\?token=([\w-]+)/.exec(resetMail?.text ?? '')?.[1];
    keep('password reset token', resetToken);
    await sendInUrls(new Client(h.app), 'auth.resetPassword', { token: resetToken }, resetToken ?? '');
    const newPassword = 'Reset-Password-Log-Scan-7';
    keep('password', newPassword);
    expect(
      (await new Client(h.app).mutate('auth.resetPassword', { token: resetToken, newPassword: 'weak' }))
        .status,
    ).toBe(422);
    expect(
      (await new Client(h.app).mutate('auth.resetPassword', { token: resetToken, newPassword })).status,
    ).toBe(200);
    expect(
      (await new Client(h.app).mutate('auth.signUp', { email: uniqueEmail(), password: newPassword })).status,
    ).toBe(200);

    const found: string[] = [];
    for (const [kind, values] of secrets) {
      for (const value of findLoggedSecrets(h.logs, values)) found.push(`${kind}: ${value}`);
    }
    expect(found).toEqual([]);
    // The scan means something: the log holds the requests (URLs included) and the scanner finds a
    // value that is in it, in each form it checks.
    const log = h.logs.join('');
    expect(log).toMatch(/"url":"\/trpc\/invitations\.preview\?input=\[redacted\]"/);
    expect(log).toMatch(/"url":"\/verify-email\?token=\[redacted\]"/);
    for (const form of secretForms('probe-value-of-the-scanner')) {
      expect(findLoggedSecrets(`${log}${form}`, ['probe-value-of-the-scanner'])).toHaveLength(1);
    }

    // Nor in the database (the shared every-table scan).
    expect(
      await expectNoSecretsKept(
        h,
        [...secrets.entries()].filter(([k]) => !/webhook URL/.test(k)).flatMap(([, v]) => v),
      ),
    ).toEqual([]);
  });
});
