// The live list of password rules under a new-password field. "Not a common password" is checked
// by the server only: it appears when the server reported it for the password being typed.
import { PASSWORD_RULE_TEXT, type PasswordRule } from '@postern/contracts/constants';
import { CheckIcon, DotIcon } from '../../components/icons.tsx';
import { cn } from '../../lib/cn.ts';
import { checklistItems } from './password-rules.ts';

export function PasswordChecklist({
  password,
  serverFailed = [],
  id,
}: {
  password: string;
  serverFailed?: readonly PasswordRule[];
  id?: string;
}) {
  const items = checklistItems(password, serverFailed);
  return (
    <ul id={id} data-testid="password-rules" className="mt-2.5 grid gap-x-4 gap-y-1.5 text-xs sm:grid-cols-2">
      {items.map(({ rule, met }) => (
        <li
          key={rule}
          data-testid={`rule-${rule}`}
          data-met={met}
          className={cn(
            'flex items-center gap-1.5 transition-colors',
            met ? 'text-emerald-700' : serverFailed.includes(rule) ? 'text-rose-600' : 'text-slate-500',
          )}
        >
          {met ? (
            <CheckIcon className="size-3.5 shrink-0" strokeWidth={2.5} />
          ) : (
            <DotIcon className="size-3.5 shrink-0" />
          )}
          <span>
            {PASSWORD_RULE_TEXT[rule]}
            <span className="sr-only">{met ? ' (done)' : ' (missing)'}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
