import type { Operation, OperationLink, OperationResultEnvelope, TRPCClientError } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { describe, expect, it, vi } from 'vitest';
import { authLink, decideOnAuthError } from './auth-link.ts';

type Envelope = OperationResultEnvelope<unknown, TRPCClientError<AnyRouter>>;
type Next = Parameters<OperationLink<AnyRouter>>[0]['next'];

/** A TRPCClientError-shaped failure as the API sends it. */
function apiError(code: string, details?: Record<string, unknown>) {
  return Object.assign(new Error(code), {
    name: 'TRPCClientError',
    data: { code, httpStatus: 401, details },
  }) as unknown as TRPCClientError<AnyRouter>;
}

const expired = () => apiError('UNAUTHENTICATED', { authFailure: 'token_expired' });

function op(path: string, id = 1): Operation {
  return { id, type: 'query', path, input: undefined, context: {}, signal: null };
}

/** The next link: answers each call of `path` from a script of outcomes, in order. */
function scriptedNext(script: Record<string, Array<'ok' | TRPCClientError<AnyRouter>>>) {
  const calls: string[] = [];
  const next: Next = (op) =>
    observable<Envelope, TRPCClientError<AnyRouter>>((observer) => {
      calls.push(op.path);
      const outcome = script[op.path]?.shift() ?? 'ok';
      queueMicrotask(() => {
        if (outcome === 'ok') {
          observer.next({ result: { type: 'data', data: `${op.path} data` } });
          observer.complete();
        } else observer.error(outcome);
      });
      return () => {};
    });
  return { next, calls };
}

function run(link: ReturnType<typeof authLink>, operation: Operation, next: Next) {
  return new Promise<unknown>((resolve, reject) => {
    link({} as never)({ op: operation, next }).subscribe({
      next: (envelope) => resolve((envelope.result as { data?: unknown }).data),
      error: reject,
    });
  });
}

describe('decideOnAuthError', () => {
  it('refreshes an expired token once, never for the refresh call itself', () => {
    expect(decideOnAuthError('account.security', 'token_expired', false)).toBe('refresh');
    expect(decideOnAuthError('account.security', 'token_expired', true)).toBe('session_lost');
    expect(decideOnAuthError('auth.refresh', 'token_expired', false)).toBe('fail');
  });

  it('treats revoked or missing sessions as lost, except for auth.me which reports it itself', () => {
    expect(decideOnAuthError('account.listSessions', 'session_revoked', false)).toBe('session_lost');
    expect(decideOnAuthError('account.listSessions', 'no_session', false)).toBe('session_lost');
    expect(decideOnAuthError('auth.me', 'session_revoked', false)).toBe('fail');
  });

  it('replays a CSRF refusal once and ignores errors that are not about the session', () => {
    expect(decideOnAuthError('auth.signIn', 'csrf', false)).toBe('replay');
    expect(decideOnAuthError('auth.signIn', 'csrf', true)).toBe('fail');
    expect(decideOnAuthError('auth.signIn', undefined, false)).toBe('fail');
  });
});

describe('authLink', () => {
  it('refreshes once for concurrent expired calls and replays each of them', async () => {
    const { next, calls } = scriptedNext({ 'a.one': [expired()], 'a.two': [expired()] });
    let release!: () => void;
    const refresh = vi.fn(
      () =>
        new Promise<boolean>((resolve) => {
          release = () => resolve(true);
        }),
    );
    // One shared refresh, as createRefresher provides.
    let shared: Promise<boolean> | undefined;
    const link = authLink({
      refresh: () => {
        shared ??= refresh();
        return shared;
      },
      onSessionLost: vi.fn(),
    });
    const one = run(link, op('a.one', 1), next);
    const two = run(link, op('a.two', 2), next);
    await vi.waitFor(() => expect(refresh).toHaveBeenCalled());
    release();
    await expect(Promise.all([one, two])).resolves.toEqual(['a.one data', 'a.two data']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(calls.sort()).toEqual(['a.one', 'a.one', 'a.two', 'a.two']);
  });

  it('reports the session lost when the refresh is refused, and passes the original error on', async () => {
    const { next } = scriptedNext({ 'a.one': [expired()] });
    const onSessionLost = vi.fn();
    const link = authLink({ refresh: async () => false, onSessionLost });
    await expect(run(link, op('a.one'), next)).rejects.toMatchObject({
      data: { details: { authFailure: 'token_expired' } },
    });
    expect(onSessionLost).toHaveBeenCalledTimes(1);
  });

  it('keeps the session when the refresh got no answer (network down)', async () => {
    const { next } = scriptedNext({ 'a.one': [expired()] });
    const onSessionLost = vi.fn();
    const link = authLink({
      refresh: async () => {
        throw new Error('offline');
      },
      onSessionLost,
    });
    await expect(run(link, op('a.one'), next)).rejects.toBeDefined();
    expect(onSessionLost).not.toHaveBeenCalled();
  });

  it('reports a revoked session at once, and passes other errors through untouched', async () => {
    const { next } = scriptedNext({
      'a.one': [apiError('UNAUTHENTICATED', { authFailure: 'session_revoked' })],
      'a.two': [apiError('NOT_FOUND')],
    });
    const onSessionLost = vi.fn();
    const refresh = vi.fn(async () => true);
    const link = authLink({ refresh, onSessionLost });
    await expect(run(link, op('a.one'), next)).rejects.toBeDefined();
    await expect(run(link, op('a.two'), next)).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect(onSessionLost).toHaveBeenCalledTimes(1);
    expect(refresh).not.toHaveBeenCalled();
  });

  it('replays a call refused for its CSRF token once', async () => {
    const csrf = apiError('FORBIDDEN', { authFailure: 'csrf' });
    const { next, calls } = scriptedNext({ 'a.one': [csrf], 'a.two': [csrf, csrf] });
    const link = authLink({ refresh: async () => true, onSessionLost: vi.fn() });
    await expect(run(link, op('a.one'), next)).resolves.toBe('a.one data');
    await expect(run(link, op('a.two'), next)).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    expect(calls).toEqual(['a.one', 'a.one', 'a.two', 'a.two']);
  });
});
