// QueryState with the list's empty state described rather than built: what it says when nothing
// exists yet, and — when filters hid every row — what it says instead, with Clear filters. Test ids
// follow one name: `<name>-loading`, `<name>-error`, `<name>-empty`.
import type { ComponentProps, ReactNode } from 'react';
import { EmptyState } from '../empty-state.tsx';
import { QueryState } from './query-state.tsx';

/** What an empty list says: `filtered` when filters hid every row (Clear filters replaces `action`). */
export interface EmptyWords extends Omit<ComponentProps<typeof EmptyState>, 'testId' | 'onClearFilters'> {
  filtered?: { title: string; hint: ReactNode; onClear: () => void } | undefined;
}

export type ListStateProps = Omit<ComponentProps<typeof QueryState>, 'testId' | 'empty'> & {
  /** The test ids' prefix. */
  name: string;
  empty: EmptyWords;
};

export function ListState({ name, empty: { filtered, ...empty }, ...state }: ListStateProps) {
  return (
    <QueryState
      {...state}
      testId={name}
      empty={
        filtered ? (
          <EmptyState
            {...empty}
            accent={false}
            title={filtered.title}
            testId={`${name}-empty`}
            onClearFilters={filtered.onClear}
          >
            {filtered.hint}
          </EmptyState>
        ) : (
          <EmptyState {...empty} testId={`${name}-empty`} />
        )
      }
    />
  );
}
