// Form pieces beside field.tsx's inputs: a labelled multi-line input, and the words of a checkbox that
// needs more than a line (its name in bold, what it does below).
import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';
import { CheckboxField, INPUT_CLASS, LabelledControl } from './field.tsx';

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
  return (
    <LabelledControl label={label} hint={hint} error={error}>
      {(control) => (
        <textarea
          {...control}
          rows={rows}
          data-testid={testId}
          value={value}
          maxLength={maxLength}
          onChange={(event) => onChange(event.target.value)}
          className={cn(INPUT_CLASS, 'mt-1.5 resize-y')}
        />
      )}
    </LabelledControl>
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
