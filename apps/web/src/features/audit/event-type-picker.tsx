// A multi-select of event types: a button showing how many are chosen, opening grouped checkboxes in a
// popover (Radix: focus moves in and back, Escape and a click outside close it).
import * as Popover from '@radix-ui/react-popover';
import { useId, useState } from 'react';
import { CheckboxField } from '../../components/field.tsx';
import { ChevronDownIcon, FilterIcon } from '../../components/icons.tsx';
import { cn } from '../../lib/cn.ts';
import { eventLabel, WORKSPACE_EVENT_GROUPS } from './audit-events.ts';

export function EventTypePicker({
  selected,
  onToggle,
  onClear,
}: {
  selected: readonly string[];
  onToggle: (type: string) => void;
  onClear: () => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const labelId = useId();

  const summary =
    selected.length === 0
      ? 'All events'
      : selected.length === 1
        ? eventLabel(selected[0] ?? '')
        : `${selected.length} event types`;

  return (
    <div>
      <span id={labelId} className="block text-sm font-medium text-slate-800">
        Event types
      </span>
      <Popover.Root open={open} onOpenChange={setOpen}>
        <Popover.Trigger asChild>
          <button
            type="button"
            data-testid="event-type-filter"
            aria-labelledby={`${labelId} ${panelId}-summary`}
            className={cn(
              'mt-1.5 flex w-full items-center gap-2 rounded-lg bg-white px-3 py-2 text-left text-sm shadow-sm ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-indigo-600',
              selected.length ? 'text-indigo-700 ring-indigo-300' : 'text-slate-900 ring-slate-300',
            )}
          >
            <FilterIcon className="size-4 shrink-0 text-slate-500" />
            <span id={`${panelId}-summary`} className="min-w-0 flex-1 truncate">
              {summary}
            </span>
            <ChevronDownIcon className="size-4 shrink-0 text-slate-500" />
          </button>
        </Popover.Trigger>
        <Popover.Content
          align="start"
          sideOffset={8}
          collisionPadding={16}
          aria-label="Event types to show"
          data-testid="event-type-menu"
          className="z-30 w-80 max-w-[calc(100vw-2rem)] rounded-xl bg-white p-2 shadow-lg ring-1 ring-slate-900/10"
        >
          <div className="max-h-80 overflow-y-auto">
            {WORKSPACE_EVENT_GROUPS.map((group) => (
              <fieldset key={group.id} className="px-1 pb-2">
                <legend className="px-2 pt-2 pb-1 text-xs font-semibold uppercase tracking-wider text-slate-500">
                  {group.label}
                </legend>
                {group.events.map((type) => (
                  <CheckboxField
                    key={type}
                    className="rounded-md px-2 py-1 hover:bg-slate-50"
                    checked={selected.includes(type)}
                    onChange={() => onToggle(type)}
                    testId={`event-type-option-${type}`}
                  >
                    <span className="min-w-0 flex-1">
                      <span className="block">{eventLabel(type)}</span>
                      <code className="block truncate font-mono text-[0.7rem] text-slate-500">{type}</code>
                    </span>
                  </CheckboxField>
                ))}
              </fieldset>
            ))}
          </div>
          <div className="mt-1 flex justify-between border-t border-slate-100 px-2 pt-2">
            <button
              type="button"
              className="text-xs font-medium text-slate-500 hover:text-slate-800 disabled:opacity-50"
              disabled={selected.length === 0}
              onClick={onClear}
            >
              Clear
            </button>
            <Popover.Close
              className="text-xs font-semibold text-indigo-600 hover:text-indigo-500"
              data-testid="event-type-done"
            >
              Done
            </Popover.Close>
          </div>
        </Popover.Content>
      </Popover.Root>
    </div>
  );
}
