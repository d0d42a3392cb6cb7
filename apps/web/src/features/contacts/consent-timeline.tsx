// A contact's consent record, oldest first: every ledger event (subscribed, imported, confirmed,
// unsubscribed, consent withdrawn) with how, when, on which list, under which consent text version,
// express or implied, the declared basis, who recorded it and, while the person is not erased, the
// address, IP address and user agent of that moment. After an erasure the events remain as proof that
// they happened, with nothing that identifies the person.
import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { ScrollIcon } from '../../components/icons.tsx';
import { ListState } from '../../components/list-kit/list-state.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { shortHash } from '../lists/lists-model.ts';
import { useMembersQuery } from '../members/use-members.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import {
  EVENT_TONES,
  eventLabel,
  orderTimeline,
  type TimelineNames,
  timelineFacts,
} from './contacts-model.ts';
import type { ConsentEvent, useConsentQuery } from './use-contacts.ts';

/** "Version 2 (a1b2c3d4e5f6)" for each consent text version of the lists the events name. */
function useVersionNames(workspaceId: string, events: readonly ConsentEvent[]): Map<string, string> {
  const trpc = useTRPC();
  const listIds = [...new Set(events.flatMap((event) => (event.listId ? [event.listId] : [])))];
  const answers = useQueries({
    queries: listIds.map((listId) =>
      trpc.contacts.lists.consentTexts.queryOptions(
        { workspaceId, listId },
        { staleTime: 60_000, retry: false },
      ),
    ),
  });
  const names = new Map<string, string>();
  for (const answer of answers)
    for (const version of answer.data?.versions ?? [])
      names.set(version.id, `Version ${version.version} (${shortHash(version.sha256)})`);
  return names;
}

function TimelineItem({ event, names }: { event: ConsentEvent; names: TimelineNames }) {
  return (
    <li
      className="relative ml-1 border-l border-slate-200 pb-6 pl-5 last:border-transparent last:pb-0"
      data-testid="consent-event"
      data-event-type={event.type}
    >
      <span
        aria-hidden="true"
        className="absolute top-1.5 -left-[5px] size-2.5 rounded-full bg-indigo-400 ring-4 ring-white"
      />
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h3 className="text-sm font-semibold text-slate-900" data-testid="consent-event-title">
          {eventLabel(event.type)}
        </h3>
        <Badge tone={EVENT_TONES[event.type] ?? 'slate'}>
          <code className="font-mono text-[0.7rem]">{event.type}</code>
        </Badge>
        <time dateTime={event.occurredAt} className="text-sm text-slate-500 tabular-nums">
          {formatDateTime(event.occurredAt)}
        </time>
      </div>
      <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[9rem_minmax(0,1fr)]">
        {timelineFacts(event, names).map((fact) => (
          <div key={fact.label} className="contents" data-testid="consent-fact" data-label={fact.label}>
            <dt className="text-slate-500">{fact.label}</dt>
            <dd className="min-w-0 break-words text-slate-900 [overflow-wrap:anywhere]">{fact.value}</dd>
          </div>
        ))}
      </dl>
    </li>
  );
}

export function ConsentTimelineCard({
  consent,
  listNames,
}: {
  consent: ReturnType<typeof useConsentQuery>;
  listNames: ReadonlyMap<string, string>;
}) {
  const { workspace, can } = useCurrentWorkspace();
  const events = useMemo(() => orderTimeline(consent.data?.events ?? []), [consent.data]);
  const members = useMembersQuery(workspace.id, can('members.read'));
  const versions = useVersionNames(workspace.id, events);
  const names: TimelineNames = {
    lists: listNames,
    versions,
    members: members.data
      ? new Map(members.data.members.map((member) => [member.userId, member.email]))
      : undefined,
  };
  const erased = events.some((event) => event.personErased);
  return (
    <Card
      id="consent"
      testId="consent-card"
      title="Consent timeline"
      description="Every consent event of this person, oldest first. The record is append-only: nothing in it can be changed or deleted."
    >
      <ListState
        name="consent"
        query={consent}
        what="the consent record"
        skeleton={{ cells: ['h-4 w-28', 'h-4 w-64', 'ml-auto h-4 w-32'] }}
        isEmpty={events.length === 0}
        empty={{
          icon: ScrollIcon,
          title: 'No consent events',
          children:
            'This contact was added without subscribing to a list: there is no consent to record yet.',
        }}
      >
        {erased ? (
          <Alert tone="info" className="mb-5" testId="consent-erased">
            This person was erased. The events stay as proof that they happened; what identified the person
            (address, IP address, user agent, source) can no longer be read.
          </Alert>
        ) : null}
        <ol aria-label="Consent events, oldest first" data-testid="consent-timeline">
          {events.map((event) => (
            <TimelineItem key={event.id} event={event} names={names} />
          ))}
        </ol>
      </ListState>
    </Card>
  );
}
