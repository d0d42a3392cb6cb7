// A tRPC link for cookie sessions: when a call fails because the access token expired, refresh the
// session once (one refresh shared by every call that failed meanwhile) and replay the call; when the
// session is gone for good, tell the app so it can send the user to sign-in.
import type { TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { type AuthFailure, authFailureOf } from './api-errors.ts';

export const REFRESH_PATH = 'auth.refresh';
export const ME_PATH = 'auth.me';

export type AuthErrorDecision = 'refresh' | 'session_lost' | 'fail';

/**
 * What to do with a failed call. `token_expired` → refresh and replay (once, and never for the refresh
 * call itself); any other session failure → the session is gone. `auth.me` reports signed-out itself,
 * and a CSRF refusal is about the request, not the session.
 */
export function decideOnAuthError(path: string, failure: AuthFailure | undefined, replayed: boolean): AuthErrorDecision {
  if (failure === undefined || failure === 'csrf') return 'fail';
  if (failure === 'token_expired' && !replayed && path !== REFRESH_PATH) return 'refresh';
  if (path === ME_PATH || path === REFRESH_PATH) return 'fail';
  return 'session_lost';
}

export interface AuthLinkOptions {
  /**
   * Refreshes the session: true when it worked, false when the server refused (the session is over).
   * Throws on transport errors (the original error is then reported, the session is not declared lost).
   * Callers pass a deduplicated function (see singleFlight).
   */
  refresh: () => Promise<boolean>;
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
          subscription = next(op).subscribe({
            next: (envelope) => observer.next(envelope),
            complete: () => observer.complete(),
            error: (error) => {
              const decision = decideOnAuthError(op.path, authFailureOf(error), replayed);
              if (decision === 'refresh') {
                options.refresh().then(
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
