// Account helpers shared by the split auth and two-factor test files. Each is bound to the calling
// file's harness and set of used secrets: every password, refresh token, TOTP secret, recovery code
// and challenge id it handles is registered there, for that file's end-of-file secret scan.
import { AUTH_COOKIES } from '@postern/contracts';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  Client,
  expectNoSecretsKept,
  findStoredSecrets,
  type Harness,
  STRONG_PASSWORD,
  signUpAndIn,
  startHarness,
  uniqueEmail,
} from './harness.ts';

/**
 * The harness of an auth test file, started before its tests; after them, the scanner is shown to see
 * a stored address (so an empty result means something) and nothing the file registered in
 * `usedSecrets` may be stored or logged in clear. The harness is closed whatever the scan finds.
 */
export function authSuite(options: Parameters<typeof startHarness>[0] = {}) {
  const usedSecrets = new Set<string>();
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(options);
  });
  afterAll(async () => {
    if (!h) return;
    try {
      const stored = (await h.orm.em
        .fork()
        .getConnection()
        .execute('select email from app_user limit 1')) as {
        email: string;
      }[];
      expect(await findStoredSecrets(h.db, [stored[0]?.email ?? 'missing'])).toHaveLength(1);
      expect(await expectNoSecretsKept(h, usedSecrets)).toEqual([]);
    } finally {
      await h.close();
    }
  });
  return {
    usedSecrets,
    harness(): Harness {
      if (!h) throw new Error('the harness starts in beforeAll');
      return h;
    },
  };
}

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
