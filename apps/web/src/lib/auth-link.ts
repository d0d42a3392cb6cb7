// A tRPC link for cookie sessions: when a call fails because the access token expired, refresh the
// session once (one refresh shared by every call that failed meanwhile) and replay the call; when the
// session is gone for good, tell the app so it can send the user to sign-in.
import type { TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { type AuthFailure, authFailureOf } from './api-errors.ts';

export const REFRESH_PATH = 'auth.refresh';
export const ME_PATH = 'auth.me';

export type AuthErrorDecision = 'refresh' | 'replay' | 'session_lost' | 'fail';

/** Refusals that mean the session itself is over (not just this request). */
const SESSION_OVER = new Set<AuthFailure>(['no_session', 'session_revoked', 'session_expired']);

/**
 * What to do with a failed call. `token_expired` → refresh and replay (once, and never for the refresh
 * call itself); `csrf` → replay once (the refusal itself set a fresh CSRF cookie); a session that is
 * over → tell the app (`auth.me` reports signed-out by itself). Anything else (a wrong password or
 * code, say) is the caller's business.
 */
export function decideOnAuthError(
  path: string,
  failure: AuthFailure | undefined,
  replayed: boolean,
): AuthErrorDecision {
  if (failure === 'csrf') return replayed ? 'fail' : 'replay';
  if (failure === 'token_expired' && !replayed && path !== REFRESH_PATH) return 'refresh';
  if (failure === undefined || path === ME_PATH || path === REFRESH_PATH) return 'fail';
  return failure === 'token_expired' || SESSION_OVER.has(failure) ? 'session_lost' : 'fail';
}

export interface AuthLinkOptions {
  /**
   * Renews the session for a call sent at `sentAt` (ms epoch): true when the call can be replayed,
   * false when the server refused (the session is over). Throws on transport errors (the original error
   * is then reported, the session is not declared lost). Deduplicated by the caller (see refresh.ts).
   */
  refresh: (sentAt: number) => Promise<boolean>;
  /** The session is over (revoked, expired, refresh refused). */
  onSessionLost: () => void;
}

export function authLink<TRouter extends AnyRouter>(options: AuthLinkOptions): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let closed = false;

        const attempt = (replayed: boolean) => {
          const sentAt = Date.now();
          subscription = next(op).subscribe({
            next: (envelope) => observer.next(envelope),
            complete: () => observer.complete(),
            error: (error) => {
              const decision = decideOnAuthError(op.path, authFailureOf(error), replayed);
              if (decision === 'replay') return attempt(true);
              if (decision === 'refresh') {
                options.refresh(sentAt).then(
                  (refreshed) => {
                    if (closed) return;
                    if (refreshed) {
                      attempt(true);
                    } else {
                      if (op.path !== ME_PATH) options.onSessionLost();
                      observer.error(error);
                    }
                  },
                  () => {
                    if (!closed) observer.error(error);
                  },
                );
                return;
              }
              if (decision === 'session_lost') options.onSessionLost();
              observer.error(error);
            },
          });
        };

        attempt(false);
        return () => {
          closed = true;
          subscription?.unsubscribe();
        };
      });
}
