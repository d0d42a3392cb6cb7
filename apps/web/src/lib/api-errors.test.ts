import { describe, expect, it } from 'vitest';
import {
  authFailureOf,
  failedRulesOf,
  formatWait,
  isClientError,
  retryAfterSeconds,
  userMessage,
} from './api-errors.ts';

const err = (data: unknown, message = 'Server said no') =>
  Object.assign(new Error(message), { name: 'TRPCClientError', data });

describe('API error data', () => {
  it('reads the auth failure of UNAUTHENTICATED and CSRF refusals only', () => {
    expect(authFailureOf(err({ code: 'UNAUTHENTICATED', details: { authFailure: 'token_expired' } }))).toBe(
      'token_expired',
    );
    expect(authFailureOf(err({ code: 'FORBIDDEN', details: { authFailure: 'csrf' } }))).toBe('csrf');
    expect(
      authFailureOf(err({ code: 'UNAUTHENTICATED', details: { authFailure: 'nonsense' } })),
    ).toBeUndefined();
    expect(authFailureOf(err({ code: 'NOT_FOUND', details: { authFailure: 'no_session' } }))).toBeUndefined();
    expect(authFailureOf(new Error('plain'))).toBeUndefined();
  });

  it('reads retryAfterSeconds and failed password rules, ignoring unknown rules', () => {
    expect(retryAfterSeconds(err({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 41.2 } }))).toBe(42);
    expect(retryAfterSeconds(err({ code: 'RATE_LIMITED' }))).toBeUndefined();
    expect(
      failedRulesOf(
        err({ code: 'VALIDATION_FAILED', details: { failedRules: ['digit', 'not_common', 'bogus'] } }),
      ),
    ).toEqual(['digit', 'not_common']);
    expect(failedRulesOf(err({ code: 'CONFLICT' }))).toEqual([]);
  });

  it('does not retry refusals, but does retry server and transport failures', () => {
    expect(isClientError(err({ code: 'UNAUTHENTICATED' }))).toBe(true);
    expect(isClientError(err({ code: 'RATE_LIMITED' }))).toBe(true);
    expect(isClientError(err({ code: 'UNAVAILABLE' }))).toBe(false);
    expect(isClientError(err(undefined))).toBe(false);
  });

  it('words waits and messages for people', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(61)).toBe('2 minutes');
    expect(formatWait(3600)).toBe('1 hour');
    expect(userMessage(err({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 90 } }))).toBe(
      'Too many attempts. Try again in 2 minutes.',
    );
    expect(userMessage(err({ code: 'INTERNAL', requestId: 'r-1' }))).toContain('request r-1');
    expect(userMessage(err(undefined))).toMatch(/Cannot reach the server/);
    expect(userMessage(err({ code: 'CONFLICT' }, 'Email taken'))).toBe('Email taken');
    expect(
      userMessage(
        err({ code: 'VALIDATION_FAILED', issues: [{ path: ['name'], message: 'Give it a name' }] }),
      ),
    ).toBe('Give it a name');
    expect(
      userMessage(
        err({ code: 'VALIDATION_FAILED', details: { field: 'url' } }, '10.0.0.1 is a private address'),
      ),
    ).toBe('10.0.0.1 is a private address');
    expect(userMessage(err({ code: 'VALIDATION_FAILED' }, ''))).toBe('Some of the details are not valid.');
  });
});
