// The "Email address" input of the forms where a member types someone else's address (add a contact,
// suppress an address): no autofill of the member's own address, no spell check, the RFC's length,
// and the first check of the address on submit (the server's validator decides).
import { type ComponentProps, useState } from 'react';
import { emailProblem } from '../lib/email-address.ts';
import { Field } from './field.tsx';

/** The typed address and why it cannot be used (shown under it after a submit). */
export function useEmailInput() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  return {
    value,
    setValue,
    error,
    /** The trimmed address, or undefined after showing why it cannot be sent. */
    checked(): string | undefined {
      const problem = emailProblem(value);
      setError(problem);
      return problem ? undefined : value.trim();
    },
  };
}

export function EmailField({
  input,
  error,
  ...props
}: Omit<ComponentProps<typeof Field>, 'label' | 'value' | 'onChange' | 'error'> & {
  input: ReturnType<typeof useEmailInput>;
  /** A refusal of the server about the address, shown when the first check passed. */
  error?: string | undefined;
}) {
  return (
    <Field
      label="Email address"
      type="email"
      inputMode="email"
      autoComplete="off"
      spellCheck={false}
      maxLength={320}
      value={input.value}
      onChange={(event) => input.setValue(event.target.value)}
      error={input.error ?? error}
      autoFocus
      {...props}
    />
  );
}
