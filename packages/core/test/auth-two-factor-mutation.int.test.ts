// Two-factor authentication in-process, with what mutation testing (issue #25, `pnpm mutation --mutate
// 'packages/core/src/auth/two-factor.ts'`) needs pinned: the TOTP window (±1 step) and its replay
// guard under concurrency, recovery codes (format, normalisation, single use), each step's refusals and
// messages, what enrolment, activation, turning off and regeneration change (other sessions signed
// out, audit entries), and the sign-in challenge: its lifetime, attempt cap, single use and the audit
// entries of a failed and a successful second step. Real PostgreSQL; manual clock; codes from otplib.
import { RecoveryCode, Session, TwoFactorChallenge, User } from '@postern/db';
import { generateSync } from 'otplib';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_DISABLED_MESSAGE } from '../src/auth/disabled.ts';
import { issueSession } from '../src/auth/sessions.ts';
import {
  activateTwoFactor,
  CHALLENGE_MAX_ATTEMPTS,
  CHALLENGE_TTL_MS,
  challengeHash,
  completeChallenge,
  consumeRecoveryCode,
  consumeTotp,
  disableTwoFactor,
  enrolTwoFactor,
  regenerateRecoveryCodes,
  remainingRecoveryCodes,
  startChallenge,
} from '../src/auth/two-factor.ts';
import { encryptionContext } from '../src/crypto/index.ts';
import type { DomainError } from '../src/errors.ts';
import { coreWorld, PASSWORD } from './support/auth-context.ts';
import { domainErrorOf } from './support/domain-error.ts';

const world = coreWorld();
const META = { ip: '198.51.100.4', userAgent: `agent ${'y'.repeat(600)}` };
const STEP = 30_000;

/** The code of the step `offset` steps from the clock's. */
const code = (secret: string, offset = 0) =>
  generateSync({ secret, epoch: Math.floor((world().clock.ms + offset * STEP) / 1000) });
const nextStep = () => world().clock.advance(STEP);

async function refusal(attempt: Promise<unknown>) {
  const error = await domainErrorOf(attempt);
  const { authFailure: reason, field } = error.details ?? {};
  return { code: error.code, reason, message: error.message, field };
}

/** Opens `count` sessions of the user; their ids. */
async function openSessions(userId: string, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const ctx = world().ctx();
    ids.push((await issueSession(ctx, userId)).session.id);
    await ctx.em.flush();
  }
  return ids;
}

/** A user with two-factor on (enrolled on the first session), then signed in on `sessions` devices in all. */
async function enrolled(sessions = 1) {
  const user = await world().user();
  const [first = ''] = await openSessions(user.id, 1);
  const { ctx, me } = await acting(user.id);
  const { secret } = await enrolTwoFactor(ctx, me, PASSWORD);
  const { codes } = await activateTwoFactor(ctx, me, first, code(secret));
  nextStep();
  return {
    userId: user.id,
    secret,
    codes,
    sessions: [first, ...(await openSessions(user.id, sessions - 1))],
  };
}

const fresh = (id: string) => world().reload(id);
/** A context and the user loaded in its EntityManager (what the functions change and flush). */
async function acting(userId: string, meta = META) {
  const ctx = world().ctx(meta);
  return { ctx, me: await ctx.em.findOneOrFail(User, { id: userId }) };
}
const revoked = async (ids: string[]) => {
  const rows = await world()
    .orm.em.fork()
    .find(Session, { id: { $in: ids } });
  return ids.map((id) => rows.find((r) => r.id === id)?.revokedReason ?? null);
};
const audited = (userId: string, type: string) => world().audited({ actorId: userId, eventType: type });

describe('consumeTotp', () => {
  it('accepts the previous, current and next step once each, in order; never an earlier step again', async () => {
    const { userId, secret } = await enrolled();
    const w = world();
    // Two steps on: the step before is unused, the one before that out of the window.
    nextStep();
    nextStep();
    const user = await fresh(userId);
    expect(await consumeTotp(w.ctx(), user, code(secret, -2))).toBe(false);
    expect(await consumeTotp(w.ctx(), user, code(secret, 2))).toBe(false);
    // Another length is a wrong code (otplib itself would throw on it), and claims no step.
    const before = (await fresh(userId)).totpLastStep;
    expect(await consumeTotp(w.ctx(), user, `${code(secret, 0)}7`)).toBe(false);
    expect(await consumeTotp(w.ctx(), user, code(secret, 0).slice(1))).toBe(false);
    expect((await fresh(userId)).totpLastStep).toBe(before);
    expect(await consumeTotp(w.ctx(), user, code(secret, -1))).toBe(true);
    const step = Math.floor(w.clock.ms / STEP) - 1;
    expect((await fresh(userId)).totpLastStep).toBe(step);
    expect(user.totpLastStep).toBe(step);
    expect(await consumeTotp(w.ctx(), user, code(secret, -1))).toBe(false);
    expect(await consumeTotp(w.ctx(), user, code(secret, 1))).toBe(true);
    expect(await consumeTotp(w.ctx(), user, code(secret, 0))).toBe(false);
    expect(await consumeTotp(w.ctx(), user, '000000')).toBe(false);
  });

  it('eight concurrent uses of one code, from stale copies of the user: exactly one succeeds', async () => {
    const { userId, secret } = await enrolled();
    const w = world();
    const copies = await Promise.all(Array.from({ length: 8 }, () => fresh(userId)));
    const current = code(secret);
    const results = await Promise.all(copies.map((user) => consumeTotp(w.ctx(), user, current)));
    expect(results.filter(Boolean)).toHaveLength(1);
    // A stale copy that already passed verification still loses the compare-and-set of the step.
    const stale = copies[0];
    if (!stale) throw new Error('no copy');
    stale.totpLastStep = null;
    expect(await consumeTotp(w.ctx(), stale, current)).toBe(false);
  });

  it('a user without a secret has no valid code', async () => {
    const w = world();
    const user = await w.user();
    expect(await consumeTotp(w.ctx(), user, '123456')).toBe(false);
  });
});

describe('recovery codes', () => {
  it('ten codes of six groups of four base32 characters, stored as keyed hashes, each usable once', async () => {
    const { userId, codes } = await enrolled();
    const w = world();
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/);
    expect(new Set(codes).size).toBe(10);
    const rows = await w.orm.em.fork().find(RecoveryCode, { userId });
    expect(rows).toHaveLength(10);
    for (const row of rows)
      expect(codes.some((c) => row.codeHash.includes(c.replaceAll('-', '')))).toBe(false);
    const [first = '', second = ''] = codes;
    // Typed loosely: lower case, spaces instead of dashes.
    const loose = first.toLowerCase().replaceAll('-', ' ');
    expect(await consumeRecoveryCode(w.ctx(), userId, loose)).toBe(true);
    expect(await consumeRecoveryCode(w.ctx(), userId, first)).toBe(false);
    expect(await remainingRecoveryCodes(w.ctx(), userId)).toBe(9);
    const other = await w.user();
    expect(await consumeRecoveryCode(w.ctx(), other.id, second)).toBe(false);
    const used = await w.orm.em.fork().find(RecoveryCode, { userId, usedAt: { $ne: null } });
    expect(used.map((r) => r.usedAt?.getTime())).toEqual([w.clock.ms]);
  });
});

describe('enrolment and activation', () => {
  it('enrolment needs the password and 2FA off; it stores the secret encrypted and resets the step', async () => {
    const w = world();
    const user = await w.user();
    const { ctx, me } = await acting(user.id);
    expect(await refusal(enrolTwoFactor(ctx, me, 'wrong password'))).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'wrong_password',
      message: 'The password is not correct',
    });
    const enrol = await enrolTwoFactor(ctx, me, PASSWORD);
    expect(enrol.otpauthUri).toMatch(/^otpauth:\/\/totp\/Postern:/);
    expect(enrol.otpauthUri).toContain(`secret=${enrol.secret}`);
    expect(enrol.otpauthUri).toContain(encodeURIComponent(user.email));
    expect(enrol.qrCodeDataUrl).toMatch(/^data:image\//);
    const stored = await fresh(user.id);
    expect(stored.totpSecret).toBeTruthy();
    expect(stored.totpSecret).not.toContain(enrol.secret);
    const context = encryptionContext('app_user', user.id, 'totp_secret');
    expect(w.services.keyring.decryptString(stored.totpSecret ?? '', context)).toBe(enrol.secret);
    expect(stored.totpEnabledAt).toBeNull();
  });

  it('activation: set-up first, a valid code, then 2FA on now, other sessions signed out, audited', async () => {
    const w = world();
    const user = await w.user();
    const ids = await openSessions(user.id, 3);
    const { ctx, me } = await acting(user.id);
    expect(await refusal(activateTwoFactor(ctx, me, ids[0] ?? '', '123456'))).toEqual({
      code: 'BAD_REQUEST',
      reason: undefined,
      message: 'Start the set-up first',
    });
    const { secret } = await enrolTwoFactor(ctx, me, PASSWORD);
    // Signed in already: a wrong code is a bad input, not a failed authentication.
    expect(await refusal(activateTwoFactor(ctx, me, ids[0] ?? '', code(secret, 3)))).toEqual({
      code: 'VALIDATION_FAILED',
      reason: undefined,
      message: 'That code is not valid. Check the time on your device and try again.',
      field: 'code',
    });
    const { codes } = await activateTwoFactor(ctx, me, ids[0] ?? '', code(secret));
    expect(codes).toHaveLength(10);
    expect((await fresh(user.id)).totpEnabledAt?.getTime()).toBe(w.clock.ms);
    expect(await revoked(ids)).toEqual([null, 'two_factor_changed', 'two_factor_changed']);
    expect((await audited(user.id, 'auth.two_factor_enabled')).map((e) => e.ip)).toEqual([META.ip]);
    const on = { code: 'CONFLICT', reason: undefined, message: 'Two-factor authentication is already on' };
    const again = await acting(user.id);
    expect(await refusal(enrolTwoFactor(again.ctx, again.me, PASSWORD))).toEqual(on);
    expect(await refusal(activateTwoFactor(again.ctx, again.me, ids[0] ?? '', code(secret)))).toEqual(on);
  });
});

describe('turning off and regenerating', () => {
  it('both need 2FA on, the password and a valid code; a wrong code counts toward the lock', async () => {
    const w = world();
    const plain = await w.user();
    const off = { code: 'CONFLICT', reason: undefined, message: 'Two-factor authentication is not on' };
    expect(await refusal(disableTwoFactor(w.ctx(), plain, 's', PASSWORD, '123456'))).toEqual(off);
    expect(await refusal(regenerateRecoveryCodes(w.ctx(), plain, 's', PASSWORD, '123456'))).toEqual(off);
    const { userId, secret, sessions } = await enrolled();
    const { ctx, me } = await acting(userId);
    expect(await refusal(disableTwoFactor(ctx, me, sessions[0] ?? '', 'wrong', code(secret)))).toMatchObject({
      reason: 'wrong_password',
    });
    const wrong = { code: 'UNAUTHENTICATED', reason: 'wrong_code', message: 'That code is not valid' };
    expect(await refusal(regenerateRecoveryCodes(ctx, me, sessions[0] ?? '', PASSWORD, '000000'))).toEqual(
      wrong,
    );
    expect(await refusal(disableTwoFactor(ctx, me, sessions[0] ?? '', PASSWORD, '000000'))).toEqual(wrong);
    expect(await w.kv.get(`auth:2fa:${userId}`)).toBe('2');
    await regenerateRecoveryCodes(ctx, me, sessions[0] ?? '', PASSWORD, code(secret));
    expect(await w.kv.get(`auth:2fa:${userId}`)).toBeNull();
  });

  it("regenerating replaces every code (this user's only), signs out the other sessions, audited", async () => {
    const w = world();
    const bystander = await enrolled();
    const { userId, secret, codes, sessions } = await enrolled(3);
    const { ctx, me } = await acting(userId);
    const { codes: next } = await regenerateRecoveryCodes(ctx, me, sessions[1] ?? '', PASSWORD, code(secret));
    expect(await consumeRecoveryCode(w.ctx(), userId, codes[0] ?? '')).toBe(false);
    expect(await remainingRecoveryCodes(w.ctx(), userId)).toBe(10);
    expect(await consumeRecoveryCode(w.ctx(), userId, next[0] ?? '')).toBe(true);
    expect(await revoked(sessions)).toEqual(['two_factor_changed', null, 'two_factor_changed']);
    expect((await audited(userId, 'auth.recovery_codes_regenerated')).map((e) => e.ip)).toEqual([META.ip]);
    expect(await remainingRecoveryCodes(w.ctx(), bystander.userId)).toBe(10);
  });

  it('turning off clears the secret, the step and the codes, signs out the other sessions, audited', async () => {
    const w = world();
    const bystander = await enrolled();
    const { userId, secret, sessions } = await enrolled(2);
    const { ctx, me } = await acting(userId);
    await disableTwoFactor(ctx, me, sessions[0] ?? '', PASSWORD, code(secret));
    const stored = await fresh(userId);
    expect([stored.totpSecret, stored.totpEnabledAt, stored.totpLastStep]).toEqual([null, null, null]);
    expect(await remainingRecoveryCodes(w.ctx(), userId)).toBe(0);
    expect(await revoked(sessions)).toEqual([null, 'two_factor_changed']);
    expect((await audited(userId, 'auth.two_factor_disabled')).map((e) => e.ip)).toEqual([META.ip]);
    expect(await remainingRecoveryCodes(w.ctx(), bystander.userId)).toBe(10);
  });
});

describe('the sign-in challenge', () => {
  const expired = {
    code: 'BAD_REQUEST',
    reason: 'challenge_expired',
    message: 'This sign-in step has expired. Sign in again.',
  };

  it('is stored as a keyed hash with its end, address and agent; it lives exactly five minutes', async () => {
    const w = world();
    const { userId, secret } = await enrolled();
    const { challengeId, expiresAt } = await startChallenge(w.ctx(META), userId);
    expect(expiresAt.getTime()).toBe(w.clock.ms + CHALLENGE_TTL_MS);
    expect(CHALLENGE_TTL_MS).toBe(300_000);
    const row = await w.orm.em.fork().findOneOrFail(TwoFactorChallenge, { userId });
    expect(row.tokenHash).toBe(challengeHash(w.ctx(), challengeId));
    expect([row.attempts, row.consumedAt, row.ip, row.userAgent]).toEqual([
      0,
      null,
      META.ip,
      META.userAgent.slice(0, 512),
    ]);
    w.clock.advance(CHALLENGE_TTL_MS);
    expect(await refusal(completeChallenge(w.ctx(), { challengeId, code: code(secret) }))).toEqual(expired);
    expect(await refusal(completeChallenge(w.ctx(), { challengeId: 'unknown', code: code(secret) }))).toEqual(
      expired,
    );
  });

  it('a wrong code is audited and counted; five attempts per challenge, then even a right code is refused', async () => {
    const w = world();
    const { userId, secret } = await enrolled();
    const { challengeId } = await startChallenge(w.ctx(), userId);
    expect(CHALLENGE_MAX_ATTEMPTS).toBe(5);
    const wrongCode = { code: 'UNAUTHENTICATED', reason: 'wrong_code', message: 'That code is not valid' };
    expect(await refusal(completeChallenge(w.ctx(META), { challengeId, code: '000000' }))).toEqual(wrongCode);
    expect(await refusal(completeChallenge(w.ctx(META), { challengeId }))).toEqual(wrongCode);
    expect(await refusal(completeChallenge(w.ctx(META), { challengeId, recoveryCode: 'AAAA-BBBB' }))).toEqual(
      {
        ...wrongCode,
        message: 'That recovery code is not valid',
      },
    );
    const failures = await audited(userId, 'auth.login_failed');
    expect(failures.map((e) => [e.metadata, e.ip])).toEqual([
      [{ reason: 'second_factor', method: 'totp' }, META.ip],
      [{ reason: 'second_factor', method: 'totp' }, META.ip],
      [{ reason: 'second_factor', method: 'recovery_code' }, META.ip],
    ]);
    expect(await w.kv.get(`auth:2fa:${userId}`)).toBe('3');
    await expect(completeChallenge(w.ctx(), { challengeId, code: '000000' })).rejects.toThrow();
    await expect(completeChallenge(w.ctx(), { challengeId, code: '000000' })).rejects.toThrow();
    expect(await refusal(completeChallenge(w.ctx(), { challengeId, code: code(secret) }))).toEqual(expired);
  });

  it('a right code signs in once: a session, the challenge consumed, the failures forgotten, audited', async () => {
    const w = world();
    const { userId, secret } = await enrolled();
    const { challengeId } = await startChallenge(w.ctx(), userId);
    await expect(completeChallenge(w.ctx(), { challengeId, code: '000000' })).rejects.toThrow();
    const { user, issued } = await completeChallenge(w.ctx(META), { challengeId, code: code(secret) });
    expect(user.id).toBe(userId);
    expect(issued.session.userId).toBe(userId);
    expect(await w.kv.get(`auth:2fa:${userId}`)).toBeNull();
    const row = await w.orm.em.fork().findOneOrFail(TwoFactorChallenge, { userId });
    expect(row.consumedAt?.getTime()).toBe(w.clock.ms);
    const [entry] = await audited(userId, 'auth.login_succeeded');
    expect([entry?.targetType, entry?.targetId, entry?.metadata, entry?.ip]).toEqual([
      'session',
      issued.session.id,
      { method: 'totp' },
      META.ip,
    ]);
    expect(await audited(userId, 'auth.recovery_code_used')).toEqual([]);
    nextStep();
    expect(await refusal(completeChallenge(w.ctx(), { challengeId, code: code(secret) }))).toEqual(expired);
  });

  it('with a recovery code: audited with the codes left; two racing codes on one challenge sign in once', async () => {
    const w = world();
    const { userId, codes } = await enrolled();
    const { challengeId } = await startChallenge(w.ctx(), userId);
    // Both answers are held at the challenge's row until both are in flight, so they truly overlap.
    const lock = w.orm.em.fork();
    await lock.begin();
    await lock
      .getConnection()
      .execute(
        'select 1 from auth_two_factor_challenge where user_id = ? for update',
        [userId],
        'all',
        lock.getTransactionContext(),
      );
    const racing = Promise.allSettled(
      [codes[0] ?? '', codes[1] ?? ''].map((recoveryCode) =>
        completeChallenge(w.ctx(META), { challengeId, recoveryCode }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lock.commit();
    const results = await racing;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [lost] = results.filter((r) => r.status === 'rejected');
    expect((lost?.reason as DomainError | undefined)?.details).toEqual({ authFailure: 'challenge_expired' });
    const [entry] = await audited(userId, 'auth.login_succeeded');
    expect(entry?.metadata).toEqual({ method: 'recovery_code' });
    const used = await audited(userId, 'auth.recovery_code_used');
    expect(used).toHaveLength(1);
    // The losing answer's code was not spent: its use rolled back with the claim of the challenge.
    expect((used[0]?.metadata as { remaining?: number } | undefined)?.remaining).toBe(9);
    expect(await w.orm.em.fork().count(RecoveryCode, { userId, usedAt: null })).toBe(9);
    expect(await w.orm.em.fork().count(Session, { userId, revokedAt: null })).toBe(2);
  });

  it('one recovery code on a fresh challenge leaves nine, and the owner is mailed (a code, none)', async () => {
    const w = world();
    const { userId, secret, codes } = await enrolled();
    const { email } = await fresh(userId);
    const notices = () => w.mails.filter((m) => m.to === email && /recovery code was used/.test(m.subject));
    const totpChallenge = await startChallenge(w.ctx(), userId);
    await completeChallenge(w.ctx(META), { challengeId: totpChallenge.challengeId, code: code(secret) });
    expect(notices()).toEqual([]);
    const { challengeId } = await startChallenge(w.ctx(), userId);
    await completeChallenge(w.ctx(META), { challengeId, recoveryCode: codes[3] ?? '' });
    const [used] = await audited(userId, 'auth.recovery_code_used');
    expect(used?.metadata).toEqual({ remaining: 9 });
    expect(
      notices().map((m) => [
        m.text.includes(`from the IP address ${META.ip}`),
        /9 recovery codes are left/.test(m.text),
      ]),
    ).toEqual([[true, true]]);
  });

  it('a disabled account cannot complete the second step', async () => {
    const w = world();
    const { userId, secret } = await enrolled();
    const { challengeId } = await startChallenge(w.ctx(), userId);
    await w.sql('update app_user set disabled_at = now() where id = ?', [userId]);
    expect(await refusal(completeChallenge(w.ctx(), { challengeId, code: code(secret) }))).toEqual({
      code: 'ACCOUNT_DISABLED',
      message: ACCOUNT_DISABLED_MESSAGE,
    });
    expect(await audited(userId, 'auth.login_succeeded')).toEqual([]);
  });
});
