// Exact figures of the sign-in, sign-up and second-factor attempt budgets, which mutation testing
// (issue #25, `pnpm mutation --mutate 'packages/core/src/auth/throttle.ts'`) found loosely pinned:
// each limit's last allowed attempt and first refusal, the wait and message of every refusal, the
// back-off curve and its cap, what a success gives back, and that a missing IP address is not a
// shared bucket. The memory store (the one a single-process deployment uses) runs on a manual clock,
// so windows and waits are exact seconds.
import { MemoryKvStore } from '@postern/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS, reserveSignUp, SignInThrottle, TwoFactorThrottle } from '../src/auth/throttle.ts';
import { domainErrorOf } from './support/domain-error.ts';

let nowMs = Date.UTC(2026, 0, 1);
const stores: MemoryKvStore[] = [];
function store() {
  const kv = new MemoryKvStore(() => nowMs);
  stores.push(kv);
  return kv;
}
afterEach(async () => {
  for (const kv of stores.splice(0)) await kv.close();
});
const advance = (seconds: number) => {
  nowMs += seconds * 1000;
};

/** The RATE_LIMITED refusal `attempt` throws: its message and wait. */
async function refusal(attempt: Promise<unknown>) {
  const error = await domainErrorOf(attempt);
  expect(error.code).toBe('RATE_LIMITED');
  return { message: error.message, retryAfterSeconds: error.details?.retryAfterSeconds };
}

describe('the limits', () => {
  it('are the documented figures', () => {
    expect(LIMITS).toEqual({
      accountAttempts: 10,
      accountWindowSeconds: 900,
      freeFailures: 3,
      ipAttempts: 100,
      ipWindowSeconds: 900,
      signUpIpAttempts: 100,
      signUpIpWindowSeconds: 900,
      signUpNoticesPerAddress: 1,
      signUpNoticeWindowSeconds: 3600,
      twoFactorFailures: 10,
      twoFactorLockSeconds: 900,
    });
  });
});

describe('SignInThrottle', () => {
  it('allows 100 attempts per IP address in 15 minutes, then refuses with the window left', async () => {
    const kv = store();
    const throttle = new SignInThrottle(kv);
    for (let i = 0; i < 100; i++) await throttle.reserve(`account-${i}`, '203.0.113.7');
    expect(await kv.ttl('auth:ip:203.0.113.7')).toBe(900);
    advance(60);
    expect(await refusal(throttle.reserve('account-new', '203.0.113.7'))).toEqual({
      message: 'Too many sign-in attempts from this network. Try again later.',
      retryAfterSeconds: 840,
    });
    // Another address has its own budget; the window's end gives the first one back.
    await throttle.reserve('account-new', '203.0.113.8');
    advance(840);
    await throttle.reserve('account-other', '203.0.113.7');
  });

  it('without an IP address, counts no shared "unknown address" bucket', async () => {
    const kv = store();
    const throttle = new SignInThrottle(kv);
    for (let i = 0; i < 101; i++) await throttle.reserve(`account-${i}`, null);
    expect(await kv.get('auth:ip:null')).toBeNull();
    expect(await kv.get('auth:acct:account-100')).toBe('1');
  });

  it('allows 10 attempts per account in 15 minutes, then refuses with the window left', async () => {
    const kv = store();
    const throttle = new SignInThrottle(kv);
    for (let i = 0; i < 10; i++) await throttle.reserve('acct', `198.51.100.${i}`);
    expect(await kv.get('auth:acct:acct')).toBe('10');
    expect(await kv.ttl('auth:acct:acct')).toBe(900);
    advance(100);
    expect(await refusal(throttle.reserve('acct', '198.51.100.99'))).toEqual({
      message: 'Too many failed attempts for this account. Try again later.',
      retryAfterSeconds: 800,
    });
    await throttle.reserve('other-acct', '198.51.100.99');
  });

  it('three failures are free; each further one doubles the wait before the next attempt', async () => {
    const kv = store();
    const throttle = new SignInThrottle(kv);
    for (let i = 0; i < 3; i++) {
      await throttle.reserve('acct', null);
      await throttle.failed('acct');
      expect(await kv.ttl('auth:backoff:acct')).toBe(0);
    }
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await throttle.reserve('acct', null);
      await throttle.failed('acct');
      const wait = await kv.ttl('auth:backoff:acct');
      waits.push(wait);
      expect(await refusal(throttle.reserve('acct', null))).toEqual({
        message: 'Too many failed attempts. Wait a moment and try again.',
        retryAfterSeconds: wait,
      });
      advance(wait);
    }
    expect(waits).toEqual([2, 4, 8, 16]);
    // A refusal during the back-off used no attempt.
    expect(await kv.get('auth:acct:acct')).toBe('7');
  });

  it('the back-off never exceeds the account window', async () => {
    const kv = store();
    const throttle = new SignInThrottle(kv);
    await kv.set('auth:acct:acct', '20', 900);
    await throttle.failed('acct');
    expect(await kv.ttl('auth:backoff:acct')).toBe(900);
  });

  it('a success gives the account its budget back and ends the back-off', async () => {
    const kv = store();
    const throttle = new SignInThrottle(kv);
    for (let i = 0; i < 5; i++) {
      await throttle.reserve('acct', null);
      await throttle.failed('acct');
      advance(await kv.ttl('auth:backoff:acct'));
    }
    await throttle.reserve('acct', null);
    await throttle.failed('acct');
    expect(await kv.ttl('auth:backoff:acct')).toBeGreaterThan(0);
    await throttle.succeeded('acct');
    expect(await kv.get('auth:acct:acct')).toBeNull();
    expect(await kv.ttl('auth:backoff:acct')).toBe(0);
    await throttle.reserve('acct', null);
    expect(await kv.get('auth:acct:acct')).toBe('1');
  });
});

describe('reserveSignUp', () => {
  it('allows 100 sign-ups per IP address in 15 minutes, then refuses with the window left', async () => {
    const kv = store();
    for (let i = 0; i < 100; i++) await reserveSignUp(kv, '192.0.2.1');
    expect(await kv.ttl('auth:signup-ip:192.0.2.1')).toBe(900);
    advance(300);
    expect(await refusal(reserveSignUp(kv, '192.0.2.1'))).toEqual({
      message: 'Too many sign-ups from this network. Try again later.',
      retryAfterSeconds: 600,
    });
    await reserveSignUp(kv, '192.0.2.2');
  });

  it('without an IP address, counts nothing', async () => {
    const kv = store();
    for (let i = 0; i < 101; i++) await reserveSignUp(kv, null);
    expect(await kv.get('auth:signup-ip:null')).toBeNull();
  });
});

describe('TwoFactorThrottle', () => {
  it('the tenth consecutive failure locks second factors for 15 minutes', async () => {
    const kv = store();
    const throttle = new TwoFactorThrottle(kv);
    for (let i = 0; i < 9; i++) {
      await throttle.reserve('user');
      await throttle.failed('user');
    }
    expect(await kv.get('auth:2fa:user')).toBe('9');
    expect(await kv.ttl('auth:2fa:user')).toBe(86_400);
    expect(await kv.ttl('auth:2fa-lock:user')).toBe(0);
    await throttle.reserve('user');
    await throttle.failed('user');
    expect(await kv.ttl('auth:2fa-lock:user')).toBe(900);
    expect(await kv.get('auth:2fa:user')).toBeNull();
    advance(120);
    const locked = {
      message: 'Too many wrong codes. Second-factor sign-in is locked for 15 minutes.',
      retryAfterSeconds: 780,
    };
    expect(await refusal(throttle.reserve('user'))).toEqual(locked);
    // Another user is not locked; the lock's end lets this one try again.
    await throttle.reserve('other-user');
    advance(780);
    await throttle.reserve('user');
    expect(await kv.get('auth:2fa:user')).toBe('1');
  });

  it('attempts in flight count: the eleventh concurrent reservation is refused for the lock time', async () => {
    const kv = store();
    const throttle = new TwoFactorThrottle(kv);
    for (let i = 0; i < 10; i++) await throttle.reserve('user');
    expect(await refusal(throttle.reserve('user'))).toEqual({
      message: 'Too many wrong codes. Second-factor sign-in is locked for 15 minutes.',
      retryAfterSeconds: 900,
    });
  });

  it('a success clears the count of failures', async () => {
    const kv = store();
    const throttle = new TwoFactorThrottle(kv);
    for (let i = 0; i < 9; i++) {
      await throttle.reserve('user');
      await throttle.failed('user');
    }
    await throttle.reserve('user');
    await throttle.succeeded('user');
    expect(await kv.get('auth:2fa:user')).toBeNull();
    await throttle.reserve('user');
    await throttle.failed('user');
    expect(await kv.ttl('auth:2fa-lock:user')).toBe(0);
  });
});
