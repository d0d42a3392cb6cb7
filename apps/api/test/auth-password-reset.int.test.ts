// Password reset through the real API: uniform answers, a single-use emailed link that signs out
// everywhere, and expiry of the link.
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, type Harness, uniqueEmail } from './support/harness.ts';
import { authSuite, signedUpHelper } from './support/signed-in.ts';

// One harness for the file (two API servers), and the end-of-file secret scan (support/signed-in.ts).
const suite = authSuite({ instances: 2 });
const usedSecrets = suite.usedSecrets;
let h: Harness;
beforeAll(() => {
  h = suite.harness();
});
const signedUp = signedUpHelper(() => h, usedSecrets);

describe('password reset', () => {
  it('answers the same for unknown addresses, and resets once with the emailed link, signing out everywhere', async () => {
    const { email, client } = await signedUp();
    expect(
      (await new Client(h.app).mutate('auth.requestPasswordReset', { email: uniqueEmail() })).data,
    ).toEqual({ ok: true });
    expect((await new Client(h.app).mutate('auth.requestPasswordReset', { email })).data).toEqual({
      ok: true,
    });
    const mail = (await h.mails()).find((m) => m.to === email && /reset/i.test(m.subject));
    const token = new URL(
      /https?:\/\/\S+reset-password\?token=[^\s"<]+/.exec(mail?.text ?? '')?.[0] ?? 'http://x',
    ).searchParams.get('token');
    expect(token).toBeTruthy();
    usedSecrets.add(token ?? '');
    const newPassword = 'Reset-Password-Strong-7';
    usedSecrets.add(newPassword);
    expect(
      (await new Client(h.app).mutate('auth.resetPassword', { token, newPassword: 'weak' })).error?.data.code,
    ).toBe('VALIDATION_FAILED');
    expect((await new Client(h.app).mutate('auth.resetPassword', { token, newPassword })).data).toEqual({
      ok: true,
    });
    expect(
      (await new Client(h.app).mutate('auth.resetPassword', { token, newPassword })).error?.data.code,
    ).toBe('BAD_REQUEST');
    expect((await client.query('auth.me')).status).toBe(401);
    expect(
      (await new Client(h.app).mutate('auth.signIn', { email, password: newPassword })).data,
    ).toMatchObject({ status: 'signed_in' });
  });

  it('refuses an expired reset link', async () => {
    const { email } = await signedUp();
    await new Client(h.app).mutate('auth.requestPasswordReset', { email });
    const mail = (await h.mails()).find((m) => m.to === email && /reset/i.test(m.subject));
    const token = new URL(
      /https?:\/\/\S+reset-password\?token=[^\s"<]+/.exec(mail?.text ?? '')?.[0] ?? 'http://x',
    ).searchParams.get('token');
    usedSecrets.add(token ?? '');
    h.clock.advance(61 * 60_000);
    try {
      expect(
        (
          await new Client(h.app).mutate('auth.resetPassword', {
            token,
            newPassword: 'Reset-Password-Strong-8',
          })
        ).error?.data.code,
      ).toBe('BAD_REQUEST');
    } finally {
      h.clock.advance(-61 * 60_000);
    }
  });
});
