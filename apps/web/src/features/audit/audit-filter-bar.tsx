// The audit log's filters: event types, member, days (both included), and the chosen types as chips.
import { CloseIcon } from '../../components/icons.tsx';
import { FilterBar } from '../../components/list-kit/filter-bar.tsx';
import { SelectField } from '../../components/select.tsx';
import { eventLabel } from './audit-events.ts';
import { type AuditFilters, isFiltered, NO_FILTERS, toggleEventType } from './audit-filters.ts';
import { EventTypePicker } from './event-type-picker.tsx';

function ChosenTypes({
  filters,
  onChange,
}: {
  filters: AuditFilters;
  onChange: (next: AuditFilters) => void;
}) {
  if (!filters.eventTypes.length) return null;
  return (
    <ul className="mt-3 flex flex-wrap gap-2" aria-label="Chosen event types">
      {filters.eventTypes.map((type) => (
        <li key={type}>
          <button
            type="button"
            onClick={() => onChange(toggleEventType(filters, type))}
            aria-label={`Remove the filter ${eventLabel(type)}`}
            className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pr-1.5 pl-2.5 text-xs font-medium text-indigo-700 ring-1 ring-indigo-600/20 ring-inset hover:bg-indigo-100"
          >
            {eventLabel(type)}
            <CloseIcon className="size-3.5" />
          </button>
        </li>
      ))}
    </ul>
  );
}

export function AuditFilterBar({
  filters,
  onChange,
  members,
  rangeProblem,
}: {
  filters: AuditFilters;
  onChange: (next: AuditFilters) => void;
  members: ReadonlyArray<{ userId: string; email: string }>;
  rangeProblem: string | undefined;
}) {
  const actorMissing = filters.actorId && !members.some((member) => member.userId === filters.actorId);
  return (
    <FilterBar
      testId="audit-filters"
      filtered={isFiltered(filters)}
      filters={filters}
      onChange={onChange}
      cleared={NO_FILTERS}
      dates={{ problem: rangeProblem }}
      gridClassName="lg:grid-cols-[minmax(0,1.2fr)_minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1fr)_auto]"
      footer={<ChosenTypes filters={filters} onChange={onChange} />}
    >
      <EventTypePicker
        selected={filters.eventTypes}
        onToggle={(type) => onChange(toggleEventType(filters, type))}
        onClear={() => onChange({ ...filters, eventTypes: [] })}
      />
      <SelectField
        label="Member"
        testId="actor-filter"
        value={filters.actorId ?? ''}
        onChange={(event) => onChange({ ...filters, actorId: event.target.value || undefined })}
      >
        <option value="">Anyone</option>
        {actorMissing ? <option value={filters.actorId}>Former member</option> : null}
        {members.map((member) => (
          <option key={member.userId} value={member.userId}>
            {member.email}
          </option>
        ))}
      </SelectField>
    </FilterBar>
  );
}
