// Finds secrets (passwords, TOTP secrets, recovery codes, tokens) in the database dump and the
// captured logs, in any of the forms they could take there.
import { dumpDatabase, type TestDatabase } from '@postern/db/testing';
import type { Harness } from './harness.ts';

/**
 * The forms a secret could take in a log line or a row: as it is, without dashes, URL-encoded (once
 * and twice), and hex, base64 and base64url of its UTF-8 bytes; a secret that is itself base64url
 * or hex also in hex/base64/base64url of the bytes it encodes. Forms shorter than 8 characters are
 * left out (they would match by chance).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    secret.replace(/-/g, ''),
    encodeURIComponent(secret),
    encodeURIComponent(encodeURIComponent(secret)),
    encodeURIComponent(JSON.stringify(secret)),
  ]);
  const encode = (bytes: Buffer) => {
    forms.add(bytes.toString('hex'));
    forms.add(bytes.toString('hex').toUpperCase());
    forms.add(bytes.toString('base64'));
    forms.add(bytes.toString('base64url'));
  };
  encode(Buffer.from(secret, 'utf8'));
  if (/^[A-Za-z0-9_-]{16,}$/.test(secret)) encode(Buffer.from(secret, 'base64url'));
  if (/^(?:[0-9a-f]{2}){8,}$/i.test(secret)) encode(Buffer.from(secret, 'hex'));
  return [...forms].filter((form) => form.length >= 8);
}

/** Which of `secrets` appear in the captured log, in any of their forms (see secretForms). */
export function findLoggedSecrets(logs: string[] | string, secrets: Iterable<string>): string[] {
  const text = Array.isArray(logs) ? logs.join('') : logs;
  return [...secrets]
    .filter((secret) => secret.length >= 6)
    .filter((secret) => secretForms(secret).some((form) => text.includes(form)));
}

/**
 * Reads every row of every table (application and pg-boss schemas) as text and returns the secrets
 * found in it: a test registers the plaintext passwords, TOTP secrets, recovery codes and refresh
 * tokens it used, and expects none to be stored anywhere.
 */
export async function findStoredSecrets(
  db: Pick<TestDatabase, 'url'>,
  secrets: Iterable<string>,
): Promise<string[]> {
  const dump = await dumpDatabase(db.url);
  return [...secrets].filter(
    (secret) => secret.length >= 6 && secretForms(secret).some((form) => dump.includes(form)),
  );
}

/** Fails when any of the secrets is stored in the database or written to the logs. */
export async function expectNoSecretsKept(h: Harness, secrets: Iterable<string>): Promise<string[]> {
  const list = [...secrets].filter((secret) => secret.length >= 6);
  // A scan for nothing passes whatever is stored (e.g. one test run alone that registered none).
  if (list.length === 0)
    throw new Error('expectNoSecretsKept: no secrets registered, so the scan would prove nothing');
  return [
    ...(await findStoredSecrets(h.db, list)),
    ...findLoggedSecrets(h.logs, list).map((s) => `log:${s}`),
  ];
}
