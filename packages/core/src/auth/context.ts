// What every auth operation receives: the request's EntityManager fork, stores, time, settings.
import type { EntityManager } from '@postern/db';
import type { KvStore } from '@postern/runtime';
import type { RequestMeta } from '../audit/record.ts';
import type { Clock } from '../clock.ts';
import type { Keyring } from '../crypto/types.ts';

export interface AuthSettings {
  /** POSTERN_SECRET: keys for token signatures and keyed hashes are derived from it. */
  secret: string;
  accessTokenTtlSeconds: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** Base of links in emails (the dashboard's origin). */
  publicUrl: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface AuthContext {
  em: EntityManager;
  kv: KvStore;
  keyring: Keyring;
  clock: Clock;
  settings: AuthSettings;
  /** Queues an email (sealed, through the worker). */
  sendMail(message: OutgoingMail): Promise<void>;
  meta: RequestMeta;
}
