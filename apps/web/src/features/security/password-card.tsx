// Change password: current password, new password (live rules), confirmation.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { errorCode, userMessage } from '../../lib/api-errors.ts';
import { formatRelative } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { ConfirmPasswordField, CurrentPasswordField, NewPasswordField } from '../auth/account-fields.tsx';
import { passwordAcceptable } from '../auth/password-rules.ts';
import { useServerRules } from '../auth/use-server-rules.ts';

type PasswordErrors = { current?: string; next?: string; confirm?: string; form?: string };

/** What is wrong with the form before anything is sent (nothing: every field undefined). */
function formProblems(current: string, next: string, confirm: string): PasswordErrors {
  const found: PasswordErrors = {
    current: current ? undefined : 'Enter your current password.',
    next: passwordAcceptable(next) ? undefined : 'Your new password does not meet all the requirements yet.',
    confirm: confirm === next ? undefined : 'The two passwords do not match.',
  };
  if (!found.next && next === current) found.next = 'Choose a password different from the current one.';
  return found;
}

/**
 * The change itself: `onChanged` on success; a refusal becomes the field it is about (`onRefused`),
 * after `recordServerRules` has noted which policy rules the new password breaks.
 */
function useChangePassword({
  recordServerRules,
  onChanged,
  onRefused,
}: {
  recordServerRules: (password: string, error: unknown) => boolean;
  onChanged: () => void;
  onRefused: (errors: PasswordErrors) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: () => {
        onChanged();
        void queryClient.invalidateQueries({ queryKey: trpc.account.pathKey() });
      },
      onError: (error, variables) => {
        if (recordServerRules(variables.newPassword, error))
          return onRefused({ next: 'Choose a stronger password.' });
        const code = errorCode(error);
        if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'BAD_REQUEST')
          return onRefused({ current: 'Your current password is not correct.' });
        onRefused({ form: userMessage(error) });
      },
    }),
  );
}

export function PasswordCard({
  passwordChangedAt,
  email,
}: {
  passwordChangedAt: string | null | undefined;
  email: string | undefined;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<PasswordErrors>({});
  const [done, setDone] = useState(false);
  const [serverRules, recordServerRules] = useServerRules(next);
  const change = useChangePassword({
    recordServerRules,
    onChanged: () => {
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    },
    onRefused: (refusal) => {
      if (refusal.current) setCurrent('');
      setErrors(refusal);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    const found = formProblems(current, next, confirm);
    setErrors(found);
    if (found.current || found.next || found.confirm) return;
    change.mutate({ currentPassword: current, newPassword: next });
  }

  return (
    <Card
      id="password"
      testId="password-card"
      title="Password"
      description={
        passwordChangedAt
          ? `Last changed ${formatRelative(Date.parse(passwordChangedAt), Date.now())}.`
          : 'Use a long password that you do not use anywhere else.'
      }
    >
      <form noValidate onSubmit={submit} className="max-w-xl space-y-5">
        {/* For password managers: which account this password belongs to. */}
        <input type="text" name="username" autoComplete="username" value={email ?? ''} readOnly hidden />
        {done ? (
          <Alert tone="success" testId="password-changed" title="Password updated">
            Every other device was signed out. This one stays signed in.
          </Alert>
        ) : null}
        {errors.form ? <Alert tone="error">{errors.form}</Alert> : null}
        <CurrentPasswordField
          label="Current password"
          testId="current-password"
          value={current}
          onChange={setCurrent}
          error={errors.current}
        />
        <NewPasswordField value={next} onChange={setNext} error={errors.next} serverFailed={serverRules} />
        <ConfirmPasswordField value={confirm} onChange={setConfirm} error={errors.confirm} />
        <div className="flex items-center gap-3 pt-1">
          <Button type="submit" loading={change.isPending} data-testid="change-password-submit">
            Update password
          </Button>
          <p className="text-xs text-slate-500">Other devices will be signed out.</p>
        </div>
      </form>
    </Card>
  );
}
