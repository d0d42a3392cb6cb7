// Signing in with a second factor through the real API on two instances: TOTP codes (single use, ±1
// step, expiry, attempt limits and lock-out under bursts) and recovery codes (single use, regeneration).
import { AUTH_COOKIES } from '@postern/contracts';
import { consumeRecoveryCode } from '@postern/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Harness, STRONG_PASSWORD } from './support/harness.ts';
import { authSuite, twoFactorHelpers } from './support/signed-in.ts';

// Two API instances; after the tests, nothing in usedSecrets may be stored or logged in clear.
const { usedSecrets, harness } = authSuite({ instances: 2 });
const { totp, nextStep, enrolled, challenge } = twoFactorHelpers(harness, usedSecrets);
let h: Harness;
beforeAll(() => {
  h = harness();
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

  it('eight sign-in challenges racing one code on two API instances: exactly one signs in', async () => {
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
    const ctx = (em = h.orm.em.fork()) => ({ em, clock: h.clock, config: h.config });
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
