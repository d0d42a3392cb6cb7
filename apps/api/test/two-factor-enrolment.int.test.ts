// Two-factor authentication through the real API, around the sign-in: enrolment (QR code, encrypted
// secret, hashed recovery codes), disabling, other devices signed out on changes, and password reset.
import { AUTH_COOKIES } from '@postern/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, type Harness, STRONG_PASSWORD, signUpAndIn, uniqueEmail } from './support/harness.ts';
import { authSuite, twoFactorHelpers } from './support/signed-in.ts';

// Two API instances; after the tests, nothing in usedSecrets may be stored or logged in clear.
const { usedSecrets, harness } = authSuite({ instances: 2 });
const { totp, nextStep, enrolled, otherDevice } = twoFactorHelpers(harness, usedSecrets);
let h: Harness;
beforeAll(() => {
  h = harness();
});

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

    // A wrong code while signed in is a bad input (422), not a failed authentication (401).
    expect((await client.mutate('account.activateTwoFactor', { code: '000000' })).error).toMatchObject({
      message: expect.stringMatching(/not valid/),
      data: { code: 'VALIDATION_FAILED', httpStatus: 422 },
    });
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
