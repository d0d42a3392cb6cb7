import type { PasswordRule } from '@postern/contracts/constants';
import { useCallback, useState } from 'react';
import { failedRulesOf } from '../../lib/api-errors.ts';

/**
 * The rules the server said a password breaks, remembered for that exact password (typing
 * something else clears them: the live checklist then speaks for itself).
 */
export function useServerRules(
  password: string,
): [PasswordRule[], (password: string, error: unknown) => boolean] {
  const [reported, setReported] = useState<{ password: string; rules: PasswordRule[] }>();
  const rules = reported && reported.password === password ? reported.rules : [];
  /** Records the rules from a failed call; true when it was a password-policy refusal. */
  const record = useCallback((password: string, error: unknown) => {
    const failed = failedRulesOf(error);
    setReported(failed.length ? { password, rules: failed } : undefined);
    return failed.length > 0;
  }, []);
  return [rules, record];
}
