// The audit log's filters: event types, actor (member or API key), target, days (both included), and
// the chosen types as chips.
import { CloseIcon } from '../../components/icons.tsx';
import { FilterBar } from '../../components/list-kit/filter-bar.tsx';
import { SelectField } from '../../components/select.tsx';
import { eventLabel, TARGET_TYPES } from './audit-events.ts';
import {
  type AuditFilters,
  actorChoice,
  NO_FILTERS,
  targetChoice,
  toggleEventType,
  withActor,
  withTarget,
} from './audit-filters.ts';
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

interface Choices {
  members: ReadonlyArray<{ userId: string; email: string }>;
  apiKeys: ReadonlyArray<{ id: string; name: string }>;
}

/** `Key “CI” (1a2b3c4d)`: the server's label for a key (audit-labels), so a row and its filter agree. */
export const keyLabel = (key: { id: string; name: string }) =>
  `Key “${key.name}” (${key.id.replaceAll('-', '').slice(0, 8)})`;

interface OptionGroup {
  label: string;
  options: ReadonlyArray<readonly [value: string, text: string]>;
}

/** The members and the API keys as option groups, their values `prefixes` + id. */
function memberAndKeyGroups(
  { members, apiKeys }: Choices,
  [memberPrefix, keyPrefix]: [string, string],
): OptionGroup[] {
  return [
    { label: 'Members', options: members.map((member) => [memberPrefix + member.userId, member.email]) },
    { label: 'API keys', options: apiKeys.map((key) => [keyPrefix + key.id, keyLabel(key)]) },
  ];
}

/** A select of grouped options; a value no longer listed (a former member…) still shows as chosen. */
function GroupedSelect({
  label,
  testId,
  value,
  onSelect,
  anyLabel,
  unlistedLabel,
  groups,
}: {
  label: string;
  testId: string;
  value: string;
  onSelect: (value: string) => void;
  anyLabel: string;
  unlistedLabel: string;
  groups: OptionGroup[];
}) {
  const listed = groups.some((group) => group.options.some(([option]) => option === value));
  return (
    <SelectField
      label={label}
      testId={testId}
      value={value}
      onChange={(event) => onSelect(event.target.value)}
    >
      <option value="">{anyLabel}</option>
      {value && !listed ? <option value={value}>{unlistedLabel}</option> : null}
      {groups.map((group) =>
        group.options.length ? (
          <optgroup key={group.label} label={group.label}>
            {group.options.map(([option, text]) => (
              <option key={option} value={option}>
                {text}
              </option>
            ))}
          </optgroup>
        ) : null,
      )}
    </SelectField>
  );
}

interface FilterProps {
  filters: AuditFilters;
  onChange: (next: AuditFilters) => void;
}

/** The Target filter's first group: every object of a type. */
const TYPE_GROUP: OptionGroup = {
  label: 'Types',
  options: TARGET_TYPES.map(([type, label]) => [`${type}|`, label]),
};

export function AuditFilterBar({ filters, onChange, members, apiKeys }: FilterProps & Choices) {
  return (
    <FilterBar
      testId="audit-filters"
      filters={filters}
      onChange={onChange}
      cleared={NO_FILTERS}
      dates
      gridClassName="lg:grid-cols-3 xl:grid-cols-[minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,0.9fr)_minmax(0,0.9fr)_auto]"
      footer={<ChosenTypes filters={filters} onChange={onChange} />}
    >
      <EventTypePicker
        selected={filters.eventTypes}
        onToggle={(type) => onChange(toggleEventType(filters, type))}
        onClear={() => onChange({ ...filters, eventTypes: [] })}
      />
      {/* Who acted (a member or an API key), and what the entry is about: separate questions. */}
      <GroupedSelect
        label="Actor"
        testId="actor-filter"
        anyLabel="Anyone"
        value={actorChoice(filters)}
        onSelect={(choice) => onChange(withActor(filters, choice))}
        unlistedLabel={filters.actorId ? 'Former member' : 'Deleted API key'}
        groups={memberAndKeyGroups({ members, apiKeys }, ['user:', 'key:'])}
      />
      <GroupedSelect
        label="Target"
        testId="target-filter"
        anyLabel="Anything"
        value={targetChoice(filters)}
        onSelect={(choice) => onChange(withTarget(filters, choice))}
        unlistedLabel={`Object ${filters.targetId?.slice(0, 8) ?? ''}`.trim()}
        groups={[TYPE_GROUP, ...memberAndKeyGroups({ members, apiKeys }, ['user|', 'api_key|'])]}
      />
    </FilterBar>
  );
}
