// Attempt budgets for sign-in and second factors, counted atomically in the KV store (Redis across
// API processes). An attempt is reserved before it is checked, so a concurrent burst can never get
// more checks than the budget; success gives the budget back.
import type { KvStore } from '@postern/runtime';
import { DomainError } from '../errors.ts';

export const LIMITS = {
  /** Failed password attempts per account before it is locked for the window. */
  accountAttempts: 10,
  accountWindowSeconds: 15 * 60,
  /** After this many failures each further one waits 2^(n - freeFailures) s (back-off), at most the window. */
  freeFailures: 3,
  /** Sign-in attempts per IP address per window, whatever the account. */
  ipAttempts: 100,
  ipWindowSeconds: 15 * 60,
  /** Sign-ups per IP address per window (refused with RATE_LIMITED past it): sign-in's IP budget. */
  signUpIpAttempts: 100,
  signUpIpWindowSeconds: 15 * 60,
  /** "Someone tried to sign up with your address" mails per address per window (more are dropped). */
  signUpNoticesPerAddress: 1,
  signUpNoticeWindowSeconds: 60 * 60,
  /** Consecutive second-factor failures per user before second factors are locked. */
  twoFactorFailures: 10,
  twoFactorLockSeconds: 15 * 60,
} as const;

function rateLimited(message: string, retryAfterSeconds: number): DomainError {
  return new DomainError('RATE_LIMITED', message, { retryAfterSeconds: Math.max(1, retryAfterSeconds) });
}

export class SignInThrottle {
  readonly #kv: KvStore;
  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  /** Reserves one attempt for this account and IP, or throws RATE_LIMITED with the wait. */
  async reserve(accountKey: string, ip: string | null): Promise<void> {
    if (ip) {
      const ipCount = await this.#kv.incr(`auth:ip:${ip}`, LIMITS.ipWindowSeconds);
      if (ipCount > LIMITS.ipAttempts) {
        throw rateLimited(
          'Too many sign-in attempts from this network. Try again later.',
          await this.#kv.ttl(`auth:ip:${ip}`),
        );
      }
    }
    const backoff = await this.#kv.ttl(`auth:backoff:${accountKey}`);
    if (backoff > 0) throw rateLimited('Too many failed attempts. Wait a moment and try again.', backoff);
    const count = await this.#kv.incr(`auth:acct:${accountKey}`, LIMITS.accountWindowSeconds);
    if (count > LIMITS.accountAttempts) {
      throw rateLimited(
        'Too many failed attempts for this account. Try again later.',
        await this.#kv.ttl(`auth:acct:${accountKey}`),
      );
    }
  }

  async failed(accountKey: string): Promise<void> {
    const raw = await this.#kv.get(`auth:acct:${accountKey}`);
    const failures = Number(raw ?? 0);
    if (failures > LIMITS.freeFailures) {
      const wait = Math.min(LIMITS.accountWindowSeconds, 2 ** (failures - LIMITS.freeFailures));
      await this.#kv.set(`auth:backoff:${accountKey}`, '1', wait);
    }
  }

  async succeeded(accountKey: string): Promise<void> {
    await this.#kv.del(`auth:acct:${accountKey}`);
    await this.#kv.del(`auth:backoff:${accountKey}`);
  }
}

/** Reserves one sign-up for this IP address, or throws RATE_LIMITED with the wait. */
export async function reserveSignUp(kv: KvStore, ip: string | null): Promise<void> {
  if (!ip) return;
  const key = `auth:signup-ip:${ip}`;
  const count = await kv.incr(key, LIMITS.signUpIpWindowSeconds);
  if (count > LIMITS.signUpIpAttempts) {
    throw rateLimited('Too many sign-ups from this network. Try again later.', await kv.ttl(key));
  }
}

export class TwoFactorThrottle {
  readonly #kv: KvStore;
  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  /** Reserves one second-factor attempt for the user, or throws RATE_LIMITED while locked. */
  async reserve(userId: string): Promise<void> {
    const lock = await this.#kv.ttl(`auth:2fa-lock:${userId}`);
    if (lock > 0) throw this.#locked(lock);
    // Counts consecutive failures (plus attempts in flight); a day bounds a forgotten counter.
    const count = await this.#kv.incr(`auth:2fa:${userId}`, 86_400);
    if (count > LIMITS.twoFactorFailures) throw this.#locked(LIMITS.twoFactorLockSeconds);
  }

  /** After the 10th consecutive failure, second factors are locked for 15 minutes. */
  async failed(userId: string): Promise<void> {
    const failures = Number((await this.#kv.get(`auth:2fa:${userId}`)) ?? 0);
    if (failures >= LIMITS.twoFactorFailures) {
      await this.#kv.set(`auth:2fa-lock:${userId}`, '1', LIMITS.twoFactorLockSeconds);
      await this.#kv.del(`auth:2fa:${userId}`);
    }
  }

  async succeeded(userId: string): Promise<void> {
    await this.#kv.del(`auth:2fa:${userId}`);
  }

  #locked(seconds: number) {
    return rateLimited('Too many wrong codes. Second-factor sign-in is locked for 15 minutes.', seconds);
  }
}
