// Password policy and hashing: argon2id with OWASP parameters (19 MiB, t=2, p=1).
import { hash, verify } from '@node-rs/argon2';
import { failedPasswordRules } from '@postern/contracts';
import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '../errors.ts';

// Algorithm is a const enum in @node-rs/argon2; 2 = Argon2id (isolated modules cannot read const enums).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const COMMON = new Set(dictionary['passwords-common'].map((password) => password.toLowerCase()));

/** True for passwords on the shipped list of common passwords (case-insensitive). */
export const isCommonPassword = (password: string) => COMMON.has(password.toLowerCase());

/** Throws VALIDATION_FAILED listing every rule the password breaks. */
export function assertPasswordPolicy(password: string): void {
  const failedRules = failedPasswordRules(password, isCommonPassword);
  if (failedRules.length) {
    throw new DomainError('VALIDATION_FAILED', 'The password does not meet the policy', { failedRules });
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the same work as a real check, so an unknown account answers in similar time. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy-password-for-timing-Aa1!');
  await verifyPassword(await dummyHash, password);
  return false;
}
