// The second factor's input: the authenticator app's 6-digit code or a recovery code (sign-in's second
// step, and the proofs that take a recovery code instead of the app's code).
import { Field } from '../../components/field.tsx';
import { CodeField } from './code-field.tsx';

export type SecondFactorMode = 'totp' | 'recovery';

export function SecondFactorField({
  mode,
  value,
  onChange,
  error,
  testIds,
  hints = {},
  autoFocus,
}: {
  mode: SecondFactorMode;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  testIds: Record<SecondFactorMode, string>;
  hints?: Partial<Record<SecondFactorMode, string>>;
  autoFocus?: boolean;
}) {
  if (mode === 'totp')
    return (
      <CodeField
        label="Authentication code"
        value={value}
        onChange={onChange}
        error={error}
        {...(hints.totp ? { hint: hints.totp } : {})}
        testId={testIds.totp}
        autoFocus={autoFocus}
      />
    );
  return (
    <Field
      label="Recovery code"
      name="recoveryCode"
      testId={testIds.recovery}
      autoComplete="off"
      autoCapitalize="characters"
      spellCheck={false}
      placeholder="XXXX-XXXX-XXXX-XXXX"
      className="[&_input]:font-mono"
      hint={hints.recovery}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      error={error}
      autoFocus={autoFocus}
    />
  );
}
