import { AUTH_COOKIES } from '@postern/contracts';
import { consumeRecoveryCode } from '@postern/core';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  expectNoSecretsKept,
  type Harness,
  STRONG_PASSWORD,
  signUpAndIn,
  startHarness,
  uniqueEmail,
} from './support/harness.ts';

let h: Harness;
const usedSecrets = new Set<string>();

/** A code from an independent TOTP implementation (otpauth), at the API's clock. */
function totp(secret: string, offsetSteps = 0) {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({
    timestamp: h.clock.now().getTime() + offsetSteps * 30_000,
  });
}

/** Moves the API's clock to the next 30-s step, so a fresh code can be used. */
const nextStep = () => h.clock.advance(30_000);

async function enrolled() {
  const client = new Client(h.app);
  const email = uniqueEmail();
  await signUpAndIn(client, email);
  usedSecrets.add(STRONG_PASSWORD);
  const enrol = await client.mutate<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }>(
    'account.enrolTwoFactor',
    {
      password: STRONG_PASSWORD,
    },
  );
  const secret = enrol.data?.secret ?? '';
  usedSecrets.add(secret);
  const activation = await client.mutate<{ codes: string[] }>('account.activateTwoFactor', {
    code: totp(secret),
  });
  const codes = activation.data?.codes ?? [];
  for (const code of codes) usedSecrets.add(code);
  nextStep();
  return { client, email, secret, codes };
}

async function challenge(email: string, client = new Client(h.app)) {
  const res = await client.mutate<{ status: string; challengeId: string }>('auth.signIn', {
    email,
    password: STRONG_PASSWORD,
  });
  expect(res.data?.status).toBe('two_factor_required');
  const challengeId = res.data?.challengeId ?? '';
  // Challenge ids are secrets too (stored as keyed hashes): many are never used, so they stay in
  // their table for the scan at the end.
  usedSecrets.add(challengeId);
  return { client, challengeId };
}

beforeAll(async () => {
  h = await startHarness({ processes: 2 });
});

afterAll(async () => {
  try {
    expect(await expectNoSecretsKept(h, usedSecrets)).toEqual([]);
  } finally {
    await h.close();
  }
});

/** A second device signed in with a fresh code; the caller checks whether it survives. */
async function otherDevice(email: string, secret: string) {
  nextStep();
  const other = await challenge(email);
  const res = await other.client.mutate('auth.verifyTwoFactor', {
    challengeId: other.challengeId,
    code: totp(secret),
  });
  expect(res.status).toBe(200);
  usedSecrets.add(other.client.cookies.get(AUTH_COOKIES.refresh) ?? '');
  expect((await other.client.query('auth.me')).status).toBe(200);
  nextStep();
  return other.client;
}

describe('enrolment', () => {
  it('needs the password, shows a QR code and the secret, and activates only after a valid code', async () => {
    const client = new Client(h.app);
    await signUpAndIn(client, uniqueEmail());
    expect(
      (await client.mutate('account.enrolTwoFactor', { password: 'Wrong-Password-1' })).error?.data.code,
    ).toBe('UNAUTHENTICATED');
    const enrol = await client.mutate<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }>(
      'account.enrolTwoFactor',
      {
        password: STRONG_PASSWORD,
      },
    );
    const secret = enrol.data?.secret ?? '';
    usedSecrets.add(secret);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrol.data?.otpauthUri).toMatch(/^otpauth:\/\/totp\/Postern:.+\?.*secret=/);
    expect(enrol.data?.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(
      (await client.query<{ twoFactorEnabled: boolean }>('account.security')).data?.twoFactorEnabled,
    ).toBe(false);

    expect((await client.mutate('account.activateTwoFactor', { code: '000000' })).error?.data.code).toBe(
      'UNAUTHENTICATED',
    );
    const activation = await client.mutate<{ codes: string[] }>('account.activateTwoFactor', {
      code: totp(secret),
    });
    expect(activation.data?.codes).toHaveLength(10);
    for (const code of activation.data?.codes ?? []) usedSecrets.add(code);
    expect(new Set(activation.data?.codes).size).toBe(10);
    // 120 bits each: 24 base32 characters in groups of four.
    for (const code of activation.data?.codes ?? []) expect(code).toMatch(/^([A-Z2-7]{4}-){5}[A-Z2-7]{4}$/);
    expect(
      (await client.query<{ twoFactorEnabled: boolean; recoveryCodesRemaining: number }>('account.security'))
        .data,
    ).toMatchObject({
      twoFactorEnabled: true,
      recoveryCodesRemaining: 10,
    });
  });

  it('stores the TOTP secret encrypted and the recovery codes as keyed hashes', async () => {
    const { email } = await enrolled();
    const [row] = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select id, totp_secret from app_user where email = ?', [email])) as {
      id: string;
      totp_secret: string;
    }[];
    expect(row?.totp_secret).toMatch(/^v1\./);
    const codes = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select code_hash from auth_recovery_code where user_id = ?', [row?.id])) as {
      code_hash: string;
    }[];
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c.code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs out the other sessions when 2FA is turned on', async () => {
    const client = new Client(h.app);
    const email = uniqueEmail();
    await signUpAndIn(client, email);
    const other = new Client(h.apps[1] ?? h.app);
    await other.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    const enrol = await client.mutate<{ secret: string }>('account.enrolTwoFactor', {
      password: STRONG_PASSWORD,
    });
    usedSecrets.add(enrol.data?.secret ?? '');
    const activation = await client.mutate<{ codes: string[] }>('account.activateTwoFactor', {
      code: totp(enrol.data?.secret ?? ''),
    });
    for (const code of activation.data?.codes ?? []) usedSecrets.add(code);
    expect((await other.query('auth.me')).status).toBe(401);
    expect((await client.query('auth.me')).status).toBe(200);
  });
});

describe('sign-in with a second factor', () => {
  it('accepts a code from an independent TOTP implementation, and refuses the same code a second time', async () => {
    const { email, secret } = await enrolled();
    const code = totp(secret);
    const first = await challenge(email);
    const ok = await first.client.mutate('auth.verifyTwoFactor', { challengeId: first.challengeId, code });
    expect(ok.data).toMatchObject({ status: 'signed_in', user: { email, twoFactorEnabled: true } });
    usedSecrets.add(first.client.cookies.get(AUTH_COOKIES.refresh) ?? '');

    const second = await challenge(email);
    const replay = await second.client.mutate('auth.verifyTwoFactor', {
      challengeId: second.challengeId,
      code,
    });
    expect(replay.error?.data.code).toBe('UNAUTHENTICATED');
  });

  it('eight sign-in challenges racing one code on two API processes: exactly one signs in', async () => {
    const { email, secret } = await enrolled();
    const challenges = [];
    for (let i = 0; i < 8; i++) challenges.push(await challenge(email));
    const code = totp(secret);
    const results = await Promise.all(
      challenges.map(({ client, challengeId }, i) =>
        client.on(h.apps[i % 2] ?? h.app).mutate<{ status: string }>('auth.verifyTwoFactor', {
          challengeId,
          code,
        }),
      ),
    );
    expect(results.filter((r) => r.data?.status === 'signed_in')).toHaveLength(1);
    expect(results.filter((r) => r.error?.data.code === 'UNAUTHENTICATED')).toHaveLength(7);
    for (const { client } of challenges) usedSecrets.add(client.cookies.get(AUTH_COOKIES.refresh) ?? '');
    nextStep();
  });

  it('accepts the previous and next time step (±1) but not two steps away', async () => {
    const { email, secret } = await enrolled();
    // Move past the step used at activation, so the previous step's code has not been used.
    nextStep();
    nextStep();
    const a = await challenge(email);
    expect(
      (await a.client.mutate('auth.verifyTwoFactor', { challengeId: a.challengeId, code: totp(secret, -2) }))
        .status,
    ).toBe(401);
    expect(
      (await a.client.mutate('auth.verifyTwoFactor', { challengeId: a.challengeId, code: totp(secret, -1) }))
        .status,
    ).toBe(200);
    nextStep();
    nextStep();
    const b = await challenge(email);
    expect(
      (await b.client.mutate('auth.verifyTwoFactor', { challengeId: b.challengeId, code: totp(secret, 1) }))
        .status,
    ).toBe(200);
  });

  it('does not sign in with the password alone', async () => {
    const { email } = await enrolled();
    const { client } = await challenge(email);
    expect(client.cookies.has(AUTH_COOKIES.access)).toBe(false);
    expect((await client.query('auth.me')).status).toBe(401);
  });

  it('expires the challenge after 5 minutes', async () => {
    const { email, secret } = await enrolled();
    const { client, challengeId } = await challenge(email);
    h.clock.advance(5 * 60_000 + 1000);
    const res = await client.mutate('auth.verifyTwoFactor', { challengeId, code: totp(secret) });
    expect(res.error?.data.code).toBe('BAD_REQUEST');
    nextStep();
  });

  it('allows 5 attempts per challenge', async () => {
    const { email, secret } = await enrolled();
    const { client, challengeId } = await challenge(email);
    for (let i = 0; i < 5; i++) {
      expect(
        (await client.mutate('auth.verifyTwoFactor', { challengeId, code: '000000' })).error?.data.code,
      ).toBe('UNAUTHENTICATED');
    }
    expect(
      (await client.mutate('auth.verifyTwoFactor', { challengeId, code: totp(secret) })).error?.data.code,
    ).toBe('BAD_REQUEST');
  });

  it('locks second factors after 10 consecutive failures, and a concurrent burst gets no more checks than that', async () => {
    const { email, secret } = await enrolled();
    const challenges = [];
    for (let i = 0; i < 10; i++) challenges.push(await challenge(email));
    const results = await Promise.all(
      challenges.flatMap(({ client, challengeId }, i) =>
        [0, 1, 2].map(() =>
          client.on(h.apps[i % 2] ?? h.app).mutate('auth.verifyTwoFactor', { challengeId, code: '000000' }),
        ),
      ),
    );
    const checked = results.filter((r) => r.error?.data.code === 'UNAUTHENTICATED').length;
    expect(checked).toBeLessThanOrEqual(10);
    expect(results.filter((r) => r.error?.data.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    // Locked: even the right code is refused now.
    const after = await challenge(email);
    const locked = await after.client.mutate('auth.verifyTwoFactor', {
      challengeId: after.challengeId,
      code: totp(secret),
    });
    expect(locked.error?.data.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
  });
});

describe('recovery codes', () => {
  it('sign in once each; dashes, spaces and case do not matter', async () => {
    const { email, codes } = await enrolled();
    const code = codes[0] ?? '';
    const a = await challenge(email);
    const ok = await a.client.mutate('auth.verifyTwoFactor', {
      challengeId: a.challengeId,
      recoveryCode: ` ${code.toLowerCase()} `,
    });
    expect(ok.data).toMatchObject({ status: 'signed_in' });
    usedSecrets.add(a.client.cookies.get(AUTH_COOKIES.refresh) ?? '');
    expect(
      (await a.client.query<{ recoveryCodesRemaining: number }>('account.security')).data
        ?.recoveryCodesRemaining,
    ).toBe(9);
    const b = await challenge(email);
    expect(
      (await b.client.mutate('auth.verifyTwoFactor', { challengeId: b.challengeId, recoveryCode: code }))
        .status,
    ).toBe(401);
  });

  it('20 parallel uses of one code: exactly one succeeds', async () => {
    const { email, codes } = await enrolled();
    const user = (
      await h.orm.em.fork().getConnection().execute('select id from app_user where email = ?', [email])
    )[0] as { id: string };
    const ctx = (em = h.orm.em.fork()) => ({
      em,
      kv: undefined as never,
      keyring: h.keyring,
      clock: h.clock,
      settings: {
        secret: h.config.secret,
        accessTokenTtlSeconds: 900,
        sessionIdleMs: 1,
        sessionAbsoluteMs: 1,
        publicUrl: '',
      },
      sendMail: async () => {},
      meta: { ip: null, userAgent: null },
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => consumeRecoveryCode(ctx(), user.id, codes[1] ?? '')),
    );
    expect(results.filter(Boolean)).toHaveLength(1);

    // And through the API: many challenges racing with one code sign in at most once.
    const challenges = [];
    for (let i = 0; i < 8; i++) challenges.push(await challenge(email));
    const attempts = await Promise.all(
      challenges.map(({ client, challengeId }, i) =>
        client
          .on(h.apps[i % 2] ?? h.app)
          .mutate('auth.verifyTwoFactor', { challengeId, recoveryCode: codes[2] }),
      ),
    );
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(1);
    for (const c of challenges) usedSecrets.add(c.client.cookies.get(AUTH_COOKIES.refresh) ?? '');
  });

  it('regenerating needs password and code, and voids the old set', async () => {
    const { client, email, secret, codes } = await enrolled();
    expect(
      (await client.mutate('account.regenerateRecoveryCodes', { password: STRONG_PASSWORD, code: '000000' }))
        .status,
    ).toBe(401);
    nextStep();
    const fresh = await client.mutate<{ codes: string[] }>('account.regenerateRecoveryCodes', {
      password: STRONG_PASSWORD,
      code: totp(secret),
    });
    for (const code of fresh.data?.codes ?? []) usedSecrets.add(code);
    expect(fresh.data?.codes).toHaveLength(10);
    expect(fresh.data?.codes.some((c) => codes.includes(c))).toBe(false);
    const old = await challenge(email);
    expect(
      (
        await old.client.mutate('auth.verifyTwoFactor', {
          challengeId: old.challengeId,
          recoveryCode: codes[3],
        })
      ).status,
    ).toBe(401);
    const ok = await challenge(email);
    expect(
      (
        await ok.client.mutate('auth.verifyTwoFactor', {
          challengeId: ok.challengeId,
          recoveryCode: fresh.data?.codes[0],
        })
      ).status,
    ).toBe(200);
    usedSecrets.add(ok.client.cookies.get(AUTH_COOKIES.refresh) ?? '');
  });
});

describe('disabling', () => {
  it('needs the password and a code, then sign-in needs the password only', async () => {
    const { client, email, secret } = await enrolled();
    expect(
      (await client.mutate('account.disableTwoFactor', { password: 'Wrong-Password-1', code: totp(secret) }))
        .status,
    ).toBe(401);
    nextStep();
    expect(
      (await client.mutate('account.disableTwoFactor', { password: STRONG_PASSWORD, code: '123456' })).status,
    ).toBe(401);
    nextStep();
    expect(
      (await client.mutate('account.disableTwoFactor', { password: STRONG_PASSWORD, code: totp(secret) }))
        .data,
    ).toEqual({ ok: true });
    const res = await new Client(h.app).mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    expect(res.data).toMatchObject({ status: 'signed_in' });
  });
});

describe('changes to the second factor sign out other devices', () => {
  it('turning 2FA off signs out the other sessions, on every API process', async () => {
    const { client, email, secret } = await enrolled();
    const other = await otherDevice(email, secret);
    const off = await client.mutate('account.disableTwoFactor', {
      password: STRONG_PASSWORD,
      code: totp(secret),
    });
    expect(off.data).toEqual({ ok: true });
    expect((await client.query('auth.me')).status).toBe(200);
    for (const app of h.apps) expect((await other.on(app).query('auth.me')).status).toBe(401);
    expect((await other.mutate('auth.refresh')).status).toBe(401);
  });

  it('regenerating recovery codes signs out the other sessions', async () => {
    const { client, email, secret } = await enrolled();
    const other = await otherDevice(email, secret);
    const fresh = await client.mutate<{ codes: string[] }>('account.regenerateRecoveryCodes', {
      password: STRONG_PASSWORD,
      code: totp(secret),
    });
    for (const code of fresh.data?.codes ?? []) usedSecrets.add(code);
    expect(fresh.data?.codes).toHaveLength(10);
    expect((await client.query('auth.me')).status).toBe(200);
    for (const app of h.apps) expect((await other.on(app).query('auth.me')).status).toBe(401);
    expect((await other.mutate('auth.refresh')).status).toBe(401);
  });
});

describe('password reset with 2FA on', () => {
  it('never bypasses the second factor', async () => {
    const { email } = await enrolled();
    await new Client(h.app).mutate('auth.requestPasswordReset', { email });
    const mail = (await h.mails()).find((m) => m.to === email && /reset/i.test(m.subject));
    const token = new URL(
      /https?:\/\/\S+reset-password\?token=[^\s"<]+/.exec(mail?.text ?? '')?.[0] ?? 'http://x',
    ).searchParams.get('token');
    usedSecrets.add(token ?? '');
    const newPassword = 'Reset-With-2FA-Strong-3';
    usedSecrets.add(newPassword);
    const reset = new Client(h.app);
    expect((await reset.mutate('auth.resetPassword', { token, newPassword })).data).toEqual({ ok: true });
    expect(reset.cookies.has(AUTH_COOKIES.access)).toBe(false);
    const signIn = await new Client(h.app).mutate<{ status: string }>('auth.signIn', {
      email,
      password: newPassword,
    });
    expect(signIn.data?.status).toBe('two_factor_required');
  });
});
