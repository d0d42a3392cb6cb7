// The account fields the sign-in, sign-up, password-reset and security pages share: the email
// address, a new password with its live rule list, and its confirmation.
import type { PasswordRule } from '@postern/contracts/constants';
import { useId } from 'react';
import { Field, PasswordField } from '../../components/field.tsx';
import { PasswordChecklist } from './password-checklist.tsx';

interface TextFieldProps {
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}

/** The account's email address; `username` where a password manager should fill a saved login. */
export function EmailField({
  autoComplete = 'email',
  ...props
}: TextFieldProps & { autoComplete?: 'email' | 'username' }) {
  return (
    <Field
      label="Email address"
      name="email"
      type="email"
      autoComplete={autoComplete}
      testId="email"
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
      error={props.error}
      required
    />
  );
}

/** A password being chosen, with the rules it must meet listed (and checked live) under it. */
export function NewPasswordField({
  label = 'New password',
  testId = 'new-password',
  serverFailed,
  ...props
}: TextFieldProps & { label?: string; testId?: string; serverFailed: readonly PasswordRule[] }) {
  const rulesId = useId();
  return (
    <div>
      <PasswordField
        label={label}
        name="new-password"
        autoComplete="new-password"
        testId={testId}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        error={props.error}
        aria-describedby={rulesId}
        required
      />
      <PasswordChecklist id={rulesId} password={props.value} serverFailed={serverFailed} />
    </div>
  );
}

/** The new password typed a second time. */
export function ConfirmPasswordField(props: TextFieldProps) {
  return (
    <PasswordField
      label="Confirm new password"
      name="confirm-password"
      autoComplete="new-password"
      testId="confirm-password"
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
      error={props.error}
      required
    />
  );
}
