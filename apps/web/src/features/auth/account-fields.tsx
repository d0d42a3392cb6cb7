// The account fields the sign-in, sign-up, password-reset and security pages share: the email
// address, the current password, a new password with its live rule list, and its confirmation.
import { ZEmail } from '@postern/contracts';
import type { PasswordRule } from '@postern/contracts/constants';
import { type ChangeEvent, type ReactNode, useId, useState } from 'react';
import { Field, PasswordField } from '../../components/field.tsx';
import { PasswordChecklist } from './password-checklist.tsx';

interface TextFieldProps {
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}

/** What an input takes (value, change handler, error) from a field's string-valued props. */
export function bindInput({ value, onChange, error }: TextFieldProps) {
  return { value, error, onChange: (event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value) };
}

/** An email input's state: the text, and its error once `check()` found it is not an address. */
export function useEmailInput(initial = '') {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string>();
  return {
    value,
    setValue,
    setError,
    field: { value, onChange: setValue, error },
    /** The address as the server takes it; undefined (and the field says why) when it is not one. */
    check(): string | undefined {
      const parsed = ZEmail.safeParse(value);
      setError(parsed.success ? undefined : 'Enter a valid email address.');
      return parsed.success ? parsed.data : undefined;
    },
  };
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
      {...bindInput(props)}
      required
    />
  );
}

/** The name and autofill hint of each password input: managers fill the current, offer a new one. */
const PASSWORD_INPUTS = {
  current: { name: 'current-password', autoComplete: 'current-password' },
  new: { name: 'new-password', autoComplete: 'new-password' },
  confirm: { name: 'confirm-password', autoComplete: 'new-password' },
} as const;

/** The password the account has now: to sign in, and to prove it is you before a change. */
export function CurrentPasswordField({
  label = 'Password',
  testId = 'password',
  corner,
  autoFocus,
  ...props
}: TextFieldProps & { label?: string; testId?: string; corner?: ReactNode; autoFocus?: boolean }) {
  return (
    <PasswordField
      {...{ label, testId, corner, autoFocus, ...PASSWORD_INPUTS.current }}
      {...bindInput(props)}
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
        {...{ label, testId, ...PASSWORD_INPUTS.new }}
        {...bindInput(props)}
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
      testId="confirm-password"
      {...PASSWORD_INPUTS.confirm}
      {...bindInput(props)}
      required
    />
  );
}
