// Session refresh, coordinated: one refresh at a time per tab (single flight) and across tabs (Web
// Locks). Refresh tokens rotate and the server revokes a session whose old token is replayed, so two
// tabs must never send the same refresh token; the lock makes the second tab wait, and the shared
// timestamp lets it skip a refresh another tab has just done (the cookies are shared).
import { singleFlight } from './single-flight.ts';

export interface RefresherDeps {
  /** Calls `auth.refresh`: true when renewed, false when refused; throws when there was no answer. */
  call: () => Promise<boolean>;
  /** Runs `task` holding the cross-tab refresh lock. */
  withLock: <T>(task: () => Promise<T>) => Promise<T>;
  /** When any tab last renewed the session (ms epoch). */
  readStamp: () => number | undefined;
  writeStamp: (at: number) => void;
  now: () => number;
}

/** Returns `refresh(sentAt)`: renew the session for a call sent at `sentAt` that found its token expired. */
export function createRefresher(deps: RefresherDeps): (sentAt: number) => Promise<boolean> {
  const flight = singleFlight(async () => {
    const startedAt = deps.now();
    return deps.withLock(async () => {
      const stamp = deps.readStamp();
      // Another tab renewed the cookies while this one waited for the lock.
      if (stamp !== undefined && stamp >= startedAt) return true;
      const renewed = await deps.call();
      if (renewed) deps.writeStamp(deps.now());
      return renewed;
    });
  });
  return async (sentAt) => {
    const stamp = deps.readStamp();
    // Renewed after that call left: replaying it with the current cookies is enough.
    if (stamp !== undefined && stamp > sentAt) return true;
    return flight();
  };
}

const STAMP_KEY = 'postern.session.refreshedAt';
const LOCK_NAME = 'postern.session.refresh';

/** The browser's lock and shared storage (each degrades to this tab alone when unavailable). */
export function browserRefresherDeps(call: () => Promise<boolean>): RefresherDeps {
  let memoryStamp: number | undefined;
  return {
    call,
    withLock: (task) =>
      typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request(LOCK_NAME, task) : task(),
    readStamp: () => {
      try {
        const stored = Number(localStorage.getItem(STAMP_KEY));
        if (Number.isFinite(stored) && stored > 0) return Math.max(stored, memoryStamp ?? 0);
      } catch {
        // Storage disabled: this tab's memory only.
      }
      return memoryStamp;
    },
    writeStamp: (at) => {
      memoryStamp = at;
      try {
        localStorage.setItem(STAMP_KEY, String(at));
      } catch {
        // Storage disabled: this tab's memory only.
      }
    },
    now: () => Date.now(),
  };
}
