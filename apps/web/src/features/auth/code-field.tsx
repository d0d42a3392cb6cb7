import { INPUT_CLASS, LabelledControl } from '../../components/field.tsx';
import { cn } from '../../lib/cn.ts';

/** A 6-digit one-time code input: digits only, large and spaced, filled by OS autofill where offered. */
export function CodeField({
  label,
  value,
  onChange,
  error,
  hint,
  testId,
  autoFocus,
  disabled,
  name = 'code',
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
    <LabelledControl label={label} hint={hint} error={error}>
      {(control) => (
        <input
          {...control}
          name={name}
          data-testid={testId}
          value={value}
          onChange={(event) => onChange(event.target.value.replace(/\D/g, '').slice(0, 6))}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          placeholder="000000"
          // biome-ignore lint/a11y/noAutofocus: on the sign-in code step the code is the only thing to type
          autoFocus={autoFocus}
          disabled={disabled}
          className={cn(
            INPUT_CLASS,
            'mt-1.5 text-center indent-[0.5em] font-mono text-2xl tracking-[0.5em] placeholder:text-slate-300',
          )}
        />
      )}
    </LabelledControl>
  );
}
