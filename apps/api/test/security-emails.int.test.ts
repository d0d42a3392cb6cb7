// Security notices (#24), read from the real outbox (queued system mail, opened with the keyring):
// sign-in from a new device, a recovery code used, 2FA turned off, password changed.
import { describe, expect, it } from 'vitest';
import { Client, STRONG_PASSWORD } from './support/harness.ts';
import { authSuite, signedUpHelper, twoFactorHelpers } from './support/signed-in.ts';

const { usedSecrets, harness } = authSuite();
const signedUp = signedUpHelper(harness, usedSecrets);
const { totp, nextStep, enrolled, challenge } = twoFactorHelpers(harness, usedSecrets);

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** The mails sent to `to` whose subject matches. */
async function mailsTo(to: string, subject: RegExp) {
  return (await harness().mails()).filter((m) => m.to === to && subject.test(m.subject));
}

describe('security emails', () => {
  it('a sign-in from a new device is mailed once; the same device again, or the first session, is not', async () => {
    const h = harness();
    const { email } = await signedUp();
    // Sign-up's own first session is no news.
    expect(await mailsTo(email, /New sign-in/)).toEqual([]);
    const sameDevice = new Client(h.app);
    expect((await sameDevice.mutate('auth.signIn', { email, password: STRONG_PASSWORD })).status).toBe(200);
    expect(await mailsTo(email, /New sign-in/)).toEqual([]);

    const laptop = new Client(h.app, { userAgent: FIREFOX, ip: '203.0.113.9' });
    expect((await laptop.mutate('auth.signIn', { email, password: STRONG_PASSWORD })).status).toBe(200);
    const notices = await mailsTo(email, /New sign-in/);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('Firefox 128 on Windows 10 (desktop)');
    expect(notices[0]?.text).toContain('203.0.113.9');
    expect(notices[0]?.text).not.toMatch(/https?:\/\//);

    const again = new Client(h.app, { userAgent: FIREFOX, ip: '203.0.113.10' });
    expect((await again.mutate('auth.signIn', { email, password: STRONG_PASSWORD })).status).toBe(200);
    expect(await mailsTo(email, /New sign-in/)).toHaveLength(1);
  });

  it('a new device after the second factor is mailed too', async () => {
    const h = harness();
    const { email, secret } = await enrolled();
    const before = (await mailsTo(email, /New sign-in/)).length;
    const phone = new Client(h.app, {
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    });
    const step = await challenge(email, phone);
    nextStep();
    const res = await phone.mutate('auth.verifyTwoFactor', {
      challengeId: step.challengeId,
      code: totp(secret),
    });
    expect(res.status).toBe(200);
    const notices = await mailsTo(email, /New sign-in/);
    expect(notices).toHaveLength(before + 1);
    expect(notices.at(-1)?.text).toMatch(/Mobile Safari 17 on iOS 17\.5 \(mobile\)/);
  });

  it('using a recovery code is mailed, with how many are left', async () => {
    const { email, codes } = await enrolled();
    const step = await challenge(email);
    const res = await step.client.mutate('auth.verifyTwoFactor', {
      challengeId: step.challengeId,
      recoveryCode: codes[0],
    });
    expect(res.status).toBe(200);
    const notices = await mailsTo(email, /recovery code was used/);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('9 recovery codes are left');
  });

  it('turning 2FA off and changing the password are mailed', async () => {
    const { client, email, secret } = await enrolled();
    const off = await client.mutate('account.disableTwoFactor', {
      password: STRONG_PASSWORD,
      code: totp(secret),
    });
    expect(off.status).toBe(200);
    const offNotices = await mailsTo(email, /Two-factor authentication turned off/);
    expect(offNotices).toHaveLength(1);
    expect(offNotices[0]?.text).toContain('Signing in needs only your password');

    const newPassword = `${STRONG_PASSWORD}-2`;
    usedSecrets.add(newPassword);
    const changed = await client.mutate('account.changePassword', {
      currentPassword: STRONG_PASSWORD,
      newPassword,
    });
    expect(changed.status).toBe(200);
    expect(await mailsTo(email, /password was changed/)).toHaveLength(1);
  });
});
