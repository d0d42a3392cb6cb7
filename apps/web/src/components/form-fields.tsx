// Form pieces beside field.tsx's inputs: a labelled multi-line input, and the words of a checkbox that
// needs more than a line (its name in bold, what it does below).
import { type ReactNode, useId } from 'react';
import { cn } from '../lib/cn.ts';
import { CheckboxField, INPUT_CLASS } from './field.tsx';

/** A labelled multi-line input, its hint or error wired through aria-describedby. */
export function TextAreaField({
  label,
  hint,
  error,
  testId,
  rows = 4,
  value,
  maxLength,
  onChange,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  testId: string;
  rows?: number;
  value: string;
  maxLength: number;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const message = error ? { id: `${id}-error`, text: error, tone: 'text-rose-600' } : undefined;
  const note = message ?? (hint ? { id: `${id}-hint`, text: hint, tone: 'text-slate-500' } : undefined);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        rows={rows}
        data-testid={testId}
        value={value}
        maxLength={maxLength}
        aria-invalid={error ? true : undefined}
        aria-describedby={note?.id}
        onChange={(event) => onChange(event.target.value)}
        className={cn(INPUT_CLASS, 'mt-1.5 resize-y')}
      />
      {note ? (
        <p id={note.id} className={cn('mt-1.5 text-xs', note.tone)}>
          {note.text}
        </p>
      ) : null}
    </div>
  );
}

/** A checkbox named in bold with what it does below: "Double opt-in — people who sign up…". */
export function OptionCheckbox({
  title,
  children,
  ...checkbox
}: Omit<Parameters<typeof CheckboxField>[0], 'children'> & { title: string; children: ReactNode }) {
  return (
    <CheckboxField {...checkbox}>
      <span>
        <span className="font-medium text-slate-900">{title}</span>
        <span className="block text-xs text-slate-500">{children}</span>
      </span>
    </CheckboxField>
  );
}
