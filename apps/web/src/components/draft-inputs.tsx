// The text inputs of a form editing a draft (a mailbox's identity, an endpoint's settings), declared
// as a table rather than written out one by one: each input reads its value and its error from the
// draft by key and writes back only that key, so the wiring cannot drift between inputs.
import type { ReactNode } from 'react';
import { Field } from './field.tsx';

/** One input: the draft's key it edits, its test id and name, and how the browser should treat it. */
export interface DraftInput<K extends string> {
  key: K;
  testId: string;
  label: string;
  placeholder?: string;
  /** `email`: no spell check; `numeric`: the phone's number pad. */
  kind?: 'email' | 'numeric';
}

export function DraftInputs<K extends string>({
  inputs,
  values,
  errors,
  hints = {},
  disabled = false,
  onChange,
}: {
  inputs: ReadonlyArray<DraftInput<K>>;
  values: Readonly<Record<K, string>>;
  errors: Partial<Record<K, string>>;
  /** Under an input while it has no error. */
  hints?: Partial<Record<K, ReactNode>>;
  disabled?: boolean;
  onChange: (next: Partial<Record<K, string>>) => void;
}) {
  return inputs.map(({ key, testId, label, placeholder, kind }) => (
    <Field
      key={key}
      label={label}
      testId={testId}
      type={kind === 'email' ? 'email' : 'text'}
      inputMode={kind === 'numeric' ? 'numeric' : undefined}
      spellCheck={kind === 'email' ? false : undefined}
      autoComplete="off"
      placeholder={placeholder}
      value={values[key]}
      disabled={disabled}
      onChange={(event) => onChange({ [key]: event.target.value } as Partial<Record<K, string>>)}
      error={errors[key]}
      hint={hints[key]}
    />
  ));
}
