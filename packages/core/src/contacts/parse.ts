// Inputs are parsed with the contract's zod schemas at core's edge too (the API parses them first;
// core is also called by jobs and tests): a failure is VALIDATION_FAILED with the issues' paths.

import type { z } from 'zod';
import { DomainError } from '../errors.ts';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    // A record's invalid key carries the key rule's own message one level down.
    const inner = (issue as { issues?: { message?: string }[] }).issues?.[0]?.message;
    return {
      path: issue.path.map(String).join('.'),
      message: issue.code === 'invalid_key' && inner ? inner : issue.message,
    };
  });
  const first = issues[0];
  throw new DomainError(
    'VALIDATION_FAILED',
    first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'Invalid input',
    { issues },
  );
}
