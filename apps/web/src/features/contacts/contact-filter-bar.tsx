// The Contacts filters: search by address or name (sent a moment after typing stops), list, and
// subscription status (on the chosen list, or on any list).
import { useEffect, useState } from 'react';
import { Field } from '../../components/field.tsx';
import { FilterBar } from '../../components/list-kit/filter-bar.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import type { DayRange } from '../../lib/day-range.ts';
import { listChoices } from '../lists/lists-model.ts';
import type { ContactList } from '../lists/use-lists.ts';
import { type ContactFilters, NO_FILTERS, SEARCH_MAX } from './contact-filters.ts';
import { STATUS_CHOICES, STATUS_ORDER } from './contacts-model.ts';

const SEARCH_DELAY_MS = 300;

/** The search box: its own text at once, the filter a moment after typing stops. */
function SearchField({ value, onSearch }: { value: string; onSearch: (search: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value.trim()) return;
    const timer = setTimeout(() => onSearch(text), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <Field
      label="Search"
      type="search"
      testId="contacts-search"
      placeholder="Address or name"
      autoComplete="off"
      spellCheck={false}
      maxLength={SEARCH_MAX}
      value={text}
      hint="Matches the start of the address or of the name."
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') onSearch(text);
      }}
    />
  );
}

export function ContactFilterBar({
  filters,
  onChange,
  lists,
}: {
  filters: ContactFilters;
  onChange: (next: ContactFilters) => void;
  lists: readonly ContactList[];
}) {
  const chosenListMissing = filters.listId && !lists.some((list) => list.id === filters.listId);
  return (
    // No day range here: the bar's filters type wants one, so it is named as (always empty) part of it.
    <FilterBar<ContactFilters & DayRange>
      testId="contacts-filters"
      filters={filters}
      onChange={onChange}
      cleared={NO_FILTERS}
      gridClassName="lg:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1fr)_auto]"
    >
      <SearchField
        value={filters.search ?? ''}
        onSearch={(search) => onChange({ ...filters, search: search.trim() || undefined })}
      />
      <SelectField
        label="List"
        testId="contacts-list-filter"
        value={filters.listId ?? ''}
        onChange={(event) => onChange({ ...filters, listId: event.target.value || undefined })}
      >
        <option value="">Any list, or none</option>
        {chosenListMissing ? <option value={filters.listId}>A deleted list</option> : null}
        <Options choices={listChoices(lists)} />
      </SelectField>
      <SelectField
        label="Status"
        testId="contacts-status-filter"
        hint={filters.status && !filters.listId ? 'On any list.' : undefined}
        value={filters.status ?? ''}
        onChange={(event) =>
          onChange({ ...filters, status: STATUS_ORDER.find((status) => status === event.target.value) })
        }
      >
        <option value="">Any status</option>
        <Options choices={STATUS_CHOICES} />
      </SelectField>
    </FilterBar>
  );
}
