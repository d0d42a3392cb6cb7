import { type ReactNode, type SelectHTMLAttributes, useId } from 'react';
import { cn } from '../lib/cn.ts';
import { ChevronDownIcon } from './icons.tsx';

export const SELECT_CLASS =
  'block w-full appearance-none rounded-lg border-0 bg-white py-2 pr-9 pl-3 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500';

/** A native <select> (keyboard and screen readers work as everywhere else) with the kit's look. */
export function Select({
  className,
  wrapperClassName,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { wrapperClassName?: string }) {
  return (
    <div className={cn('relative', wrapperClassName)}>
      <select className={cn(SELECT_CLASS, className)} {...props} />
      <ChevronDownIcon className="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-slate-500" />
    </div>
  );
}

/** A labelled select. */
export function SelectField({
  label,
  hint,
  testId,
  id,
  className,
  children,
  ...props
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & {
  label: ReactNode;
  hint?: ReactNode;
  testId?: string;
  id?: string;
}) {
  const generated = useId();
  const selectId = id ?? generated;
  return (
    <div className={className}>
      <label htmlFor={selectId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <Select
        id={selectId}
        data-testid={testId}
        wrapperClassName="mt-1.5"
        aria-describedby={hint ? `${selectId}-hint` : undefined}
        {...props}
      >
        {children}
      </Select>
      {hint ? (
        <p id={`${selectId}-hint`} className="mt-1.5 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The <option>s of a list of choices, each `{ value, label }`. */
export function Options({ choices }: { choices: ReadonlyArray<{ value: string | number; label: string }> }) {
  return choices.map((choice) => (
    <option key={choice.value} value={choice.value}>
      {choice.label}
    </option>
  ));
}
