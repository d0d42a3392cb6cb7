// Which password rules to list, and which are met (pure: the checklist component renders this).
import { failedPasswordRules, type PasswordRule } from '@postern/contracts/constants';

const ALWAYS_SHOWN: PasswordRule[] = ['min_length', 'uppercase', 'lowercase', 'digit', 'special'];

export interface ChecklistItem {
  rule: PasswordRule;
  met: boolean;
}

/** The rules to list for `password`: the client-checkable ones, plus any the server refused it for. */
export function checklistItems(
  password: string,
  serverFailed: readonly PasswordRule[] = [],
): ChecklistItem[] {
  const failed = new Set(failedPasswordRules(password));
  const rules = [...ALWAYS_SHOWN];
  if (failed.has('max_length')) rules.push('max_length');
  for (const rule of serverFailed) if (!rules.includes(rule)) rules.push(rule);
  return rules.map((rule) => ({ rule, met: !failed.has(rule) && !serverFailed.includes(rule) }));
}

/** True when the password passes every rule the browser can check. */
export function passwordAcceptable(password: string): boolean {
  return failedPasswordRules(password).length === 0;
}
