// The event types an endpoint subscribes to: one checkbox per type the server offers, with its
// description. Shared by the create dialog and the settings form.
import { useId } from 'react';
import { CheckboxField } from '../../components/field.tsx';
import { cn } from '../../lib/cn.ts';
import { eventTypeLabel, toggleType } from './webhooks-model.ts';

export function EventTypesField<T extends string>({
  offered,
  selected,
  onChange,
  error,
  disabled = false,
}: {
  offered: ReadonlyArray<{ type: T; description: string }>;
  selected: readonly T[];
  onChange: (types: T[]) => void;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const legendId = useId();
  const errorId = useId();
  const all = offered.length > 0 && offered.every(({ type }) => selected.includes(type));
  return (
    <fieldset
      aria-labelledby={legendId}
      aria-describedby={error ? errorId : undefined}
      data-testid="event-types-field"
      disabled={disabled}
    >
      <div className="flex items-center justify-between gap-3">
        <span id={legendId} className="block text-sm font-medium text-slate-800">
          Events to send
        </span>
        {offered.length > 1 ? (
          <button
            type="button"
            className="text-xs font-medium text-indigo-600 hover:text-indigo-500 disabled:opacity-50"
            onClick={() => onChange(all ? [] : offered.map(({ type }) => type))}
          >
            {all ? 'Clear all' : 'Select all'}
          </button>
        ) : null}
      </div>
      <div
        className={cn(
          'mt-1.5 divide-y divide-slate-100 rounded-lg ring-1 ring-inset',
          error ? 'ring-rose-400' : 'ring-slate-200',
        )}
      >
        {offered.map(({ type, description }) => (
          <CheckboxField
            key={type}
            className="gap-3 px-3 py-2.5 hover:bg-slate-50"
            checked={selected.includes(type)}
            onChange={() => onChange(toggleType(selected, type))}
            testId={`event-type-${type}`}
          >
            <span className="min-w-0 flex-1">
              <span className="flex flex-wrap items-baseline gap-x-2">
                <span className="text-sm font-medium text-slate-900">{eventTypeLabel(type)}</span>
                <code className="font-mono text-xs text-slate-500">{type}</code>
              </span>
              <span className="mt-0.5 block text-xs text-slate-500">{description}</span>
            </span>
          </CheckboxField>
        ))}
      </div>
      {error ? (
        <p id={errorId} className="mt-1.5 text-xs text-rose-600">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
