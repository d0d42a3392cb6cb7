import { Field } from '../../components/field.tsx';

/** A 6-digit one-time code input: digits only, large and spaced, filled by OS autofill where offered. */
export function CodeField({
  onChange,
  name = 'code',
  ...props
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  testId?: string;
  autoFocus?: boolean;
  disabled?: boolean;
  name?: string;
}) {
  return (
    <Field
      {...props}
      name={name}
      onValue={(value) => onChange(value.replace(/\D/g, '').slice(0, 6))}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      placeholder="000000"
      inputClassName="text-center indent-[0.5em] font-mono text-2xl tracking-[0.5em] placeholder:text-slate-300"
    />
  );
}
