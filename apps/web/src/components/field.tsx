import { type InputHTMLAttributes, type ReactNode, useId, useState } from 'react';
import { cn } from '../lib/cn.ts';
import { EyeIcon, EyeOffIcon } from './icons.tsx';

export const INPUT_CLASS =
  'block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none disabled:bg-slate-50 disabled:text-slate-500 aria-[invalid=true]:ring-rose-400 aria-[invalid=true]:focus:ring-rose-500';

/**
 * An input's attributes for a value typed exactly (an address, a URL, a DKIM selector, a user name):
 * no autofill from the member's own details, no spell check, no capital first letter on phones.
 */
export const EXACT_INPUT = { autoComplete: 'off', spellCheck: false, autoCapitalize: 'none' } as const;

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & {
  label: ReactNode;
  /** Shown under the input; replaced by `error` when there is one. */
  hint?: ReactNode;
  error?: string | undefined;
  /** Extra content on the label's line (e.g. a "Forgot password?" link). */
  corner?: ReactNode;
  testId?: string;
  id?: string;
  /** The typed text, for a caller that wants only that (instead of `onChange`'s event). */
  onValue?: (value: string) => void;
};

/** The label on its line, with whatever goes in its corner. */
function FieldLabel({ htmlFor, label, corner }: { htmlFor: string; label: ReactNode; corner: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-3">
      <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {corner}
    </div>
  );
}

/** A labelled input (`<label for>`), with its hint or error wired through aria-describedby. */
export function Field({
  label,
  hint,
  error,
  corner,
  testId,
  id,
  className,
  onValue,
  inputClassName,
  inside,
  ...props
}: InputProps & {
  /** Classes of the input itself (`className` is the wrapper's). */
  inputClassName?: string;
  /** A control drawn inside the input's box, on its right (PasswordField's show/hide). */
  inside?: ReactNode;
}) {
  const generated = useId();
  const inputId = id ?? generated;
  const describedBy = describe(inputId, hint, error, props['aria-describedby']);
  const input = (
    <input
      id={inputId}
      data-testid={testId}
      aria-invalid={error ? true : undefined}
      className={cn(INPUT_CLASS, !inside && 'mt-1.5', inputClassName)}
      {...props}
      onChange={onValue ? (event) => onValue(event.target.value) : props.onChange}
      aria-describedby={describedBy}
    />
  );
  return (
    <div className={className}>
      <FieldLabel htmlFor={inputId} label={label} corner={corner} />
      {inside ? (
        <div className="relative mt-1.5">
          {input}
          {inside}
        </div>
      ) : (
        input
      )}
      <FieldMessage id={inputId} hint={hint} error={error} />
    </div>
  );
}

/** The ids describing an input: its error (or hint), then any the caller adds (e.g. a rule list). */
function describe(id: string, hint: ReactNode, error: string | undefined, extra: string | undefined) {
  const own = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return [own, extra].filter(Boolean).join(' ') || undefined;
}

function FieldMessage({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | undefined }) {
  if (error)
    return (
      <p id={`${id}-error`} className="mt-1.5 text-xs text-rose-600">
        {error}
      </p>
    );
  if (hint)
    return (
      <p id={`${id}-hint`} className="mt-1.5 text-xs text-slate-500">
        {hint}
      </p>
    );
  return null;
}

/** What LabelledControl hands its control: its id, and its error or hint wired for screen readers. */
export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/**
 * A label, a control of another kind than a plain input (a text area, a multiple select, a code
 * input) and its hint or error under it: the control receives its id and the aria wiring.
 */
export function LabelledControl({
  label,
  hint,
  error,
  className,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  return (
    <div className={className}>
      <FieldLabel htmlFor={id} label={label} corner={null} />
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describe(id, hint, error, undefined),
      })}
      <FieldMessage id={id} hint={hint} error={error} />
    </div>
  );
}

/** A password input with a show/hide toggle. */
export function PasswordField({ id, ...props }: InputProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const [visible, setVisible] = useState(false);
  return (
    <Field
      {...props}
      id={inputId}
      type={visible ? 'text' : 'password'}
      inputClassName="pr-10"
      inside={
        <button
          type="button"
          onClick={() => setVisible((v) => !v)}
          aria-label={visible ? 'Hide password' : 'Show password'}
          aria-pressed={visible}
          aria-controls={inputId}
          className="absolute inset-y-0 right-0 flex items-center rounded-r-lg px-3 text-slate-500 hover:text-slate-600 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {visible ? <EyeOffIcon className="size-4" /> : <EyeIcon className="size-4" />}
        </button>
      }
    />
  );
}

/** A checkbox with its words as its label (the whole line toggles it). */
export function CheckboxField({
  checked,
  onChange,
  testId,
  className,
  children,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label className={cn('flex cursor-pointer items-start gap-2.5 text-sm text-slate-700', className)}>
      <input
        type="checkbox"
        data-testid={testId}
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        className="mt-0.5 size-4 shrink-0 rounded border-slate-300 accent-indigo-600"
      />
      {children}
    </label>
  );
}
