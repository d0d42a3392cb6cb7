// Change password: current password, new password (live rules), confirmation.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { PasswordField } from '../../components/field.tsx';
import { errorCode, userMessage } from '../../lib/api-errors.ts';
import { formatRelative } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { PasswordChecklist } from '../auth/password-checklist.tsx';
import { passwordAcceptable } from '../auth/password-rules.ts';
import { useServerRules } from '../auth/use-server-rules.ts';

export function PasswordCard({
  passwordChangedAt,
  email,
}: {
  passwordChangedAt: string | null | undefined;
  email: string | undefined;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rulesId = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ current?: string; next?: string; confirm?: string; form?: string }>(
    {},
  );
  const [done, setDone] = useState(false);
  const [serverRules, recordServerRules] = useServerRules(next);

  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setNext('');
        setConfirm('');
        setDone(true);
        void queryClient.invalidateQueries({ queryKey: trpc.account.pathKey() });
      },
      onError: (error, variables) => {
        if (recordServerRules(variables.newPassword, error))
          return setErrors({ next: 'Choose a stronger password.' });
        const code = errorCode(error);
        if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'BAD_REQUEST') {
          setCurrent('');
          return setErrors({ current: 'Your current password is not correct.' });
        }
        setErrors({ form: userMessage(error) });
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    const found = {
      current: current ? undefined : 'Enter your current password.',
      next: passwordAcceptable(next)
        ? undefined
        : 'Your new password does not meet all the requirements yet.',
      confirm: confirm === next ? undefined : 'The two passwords do not match.',
    };
    if (!found.next && next === current) found.next = 'Choose a password different from the current one.';
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
        <PasswordField
          label="Current password"
          name="current-password"
          autoComplete="current-password"
          testId="current-password"
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
          error={errors.current}
        />
        <div>
          <PasswordField
            label="New password"
            name="new-password"
            autoComplete="new-password"
            testId="new-password"
            value={next}
            onChange={(event) => setNext(event.target.value)}
            error={errors.next}
            aria-describedby={rulesId}
          />
          <PasswordChecklist id={rulesId} password={next} serverFailed={serverRules} />
        </div>
        <PasswordField
          label="Confirm new password"
          name="confirm-password"
          autoComplete="new-password"
          testId="confirm-password"
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
          error={errors.confirm}
        />
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
