// The DomainError an operation fails with (the test fails if it succeeds or throws anything else).
import { expect } from 'vitest';
import { DomainError } from '../../src/errors.ts';

export async function domainErrorOf(attempt: Promise<unknown>): Promise<DomainError> {
  const error = await attempt.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}
