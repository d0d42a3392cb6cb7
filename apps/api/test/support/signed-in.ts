// Account helpers shared by the split auth and two-factor test files. Each is bound to the calling
// file's harness and set of used secrets: every password, refresh token, TOTP secret, recovery code
// and challenge id it handles is registered there, for that file's end-of-file secret scan.
import { AUTH_COOKIES } from '@postern/contracts';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { Client, type Harness, STRONG_PASSWORD, signUpAndIn, uniqueEmail } from './harness.ts';

/** `signedUp(client?, password?)` for a file whose harness (set in beforeAll) is `harness()`. */
export function signedUpHelper(harness: () => Harness, usedSecrets: Set<string>) {
  return async function signedUp(client?: Client, password = STRONG_PASSWORD) {
    const h = harness();
    const c = client ?? new Client(h.app);
    const email = uniqueEmail();
    await signUpAndIn(c, email, password);
    usedSecrets.add(password);
    const refresh = c.cookies.get(AUTH_COOKIES.refresh);
    if (refresh) usedSecrets.add(refresh);
    return { client: c, email, password };
  };
}

/** totp, nextStep, enrolled, challenge and otherDevice for a file whose harness is `harness()`. */
export function twoFactorHelpers(harness: () => Harness, usedSecrets: Set<string>) {
  /** A code from an independent TOTP implementation (otpauth), at the API's clock. */
  function totp(secret: string, offsetSteps = 0) {
    const h = harness();
    return new TOTP({ secret: Secret.fromBase32(secret) }).generate({
      timestamp: h.clock.now().getTime() + offsetSteps * 30_000,
    });
  }

  /** Moves the API's clock to the next 30-s step, so a fresh code can be used. */
  const nextStep = () => harness().clock.advance(30_000);

  async function enrolled() {
    const h = harness();
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

  async function challenge(email: string, client = new Client(harness().app)) {
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

  return { totp, nextStep, enrolled, challenge, otherDevice };
}
