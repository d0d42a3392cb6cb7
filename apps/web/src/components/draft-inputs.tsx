// The text inputs of a form editing a draft (a mailbox's identity, an endpoint's settings), declared
// as a table rather than written out one by one: each input reads its value and its error from the
// draft by key and writes back only that key, so the wiring cannot drift between inputs. For inputs
// written out one by one, bindDraft gives each the same wiring.
import type { ChangeEvent, ReactNode } from 'react';
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

/** What the inputs of a form are handed: its draft, the draft's errors, and the whole draft on a change. */
export interface DraftProps<D, E> {
  form: D;
  errors: E;
  onChange: (form: D) => void;
}

/** The keys of `D` whose values are `V`. */
type KeysOf<D, V> = { [K in keyof D]-?: D[K] extends V ? K : never }[keyof D];

/**
 * How the inputs of a form read and change its draft by key, spread on each: `text(key)` on a
 * TextAreaField (value, length limit, error, change), `input(key)` on a Field (the same, read from
 * the input's event), `check(key)` on a checkbox, `set(key)` for anything else.
 */
export function bindDraft<D extends object, L extends { readonly [K in keyof D]?: number }>(
  draft: D,
  errors: { readonly [K in keyof D]?: string | undefined },
  onChange: (next: D) => void,
  limits: L,
) {
  const set =
    <K extends keyof D>(key: K) =>
    (value: D[K]) =>
      onChange({ ...draft, [key]: value });
  const text = <K extends KeysOf<D, string> & keyof L>(key: K) => ({
    value: draft[key] as string,
    maxLength: limits[key] as number,
    error: errors[key],
    onChange: (value: string) => set(key)(value as D[K]),
  });
  const input = <K extends KeysOf<D, string> & keyof L>(key: K) => ({
    ...text(key),
    onChange: (event: ChangeEvent<HTMLInputElement>) => set(key)(event.target.value as D[K]),
  });
  const check = <K extends KeysOf<D, boolean>>(key: K) => ({
    checked: draft[key] as boolean,
    onChange: (value: boolean) => set(key)(value as D[K]),
  });
  return { set, text, input, check };
}
