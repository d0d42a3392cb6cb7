import { AUDIT_EVENTS } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { entryChanges, eventLabel, eventTone, targetText, WORKSPACE_EVENT_GROUPS } from './audit-events.ts';
import {
  actorChoice,
  auditFilterInput,
  filtersFromSearch,
  filtersToSearch,
  isFiltered,
  NO_FILTERS,
  sameFilters,
  targetChoice,
  toggleEventType,
  withActor,
  withTarget,
} from './audit-filters.ts';

const ACTOR = '0b6f3c1e-8d2a-4f5b-9c7d-1e2f3a4b5c6d';
const KEY = 'acb82c61-1111-4222-8333-444455556666';

describe('audit filters in the URL', () => {
  it('round-trips through the query string', () => {
    const filters = {
      eventTypes: ['member.joined', 'member.role_changed'],
      actorId: ACTOR,
      from: '2026-11-01',
      to: '2026-11-21',
    };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe(
      `type=member.joined&type=member.role_changed&actor=${ACTOR}&from=2026-11-01&to=2026-11-21`,
    );
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(filtersToSearch(NO_FILTERS).toString()).toBe('');
  });

  it('ignores what it cannot use', () => {
    const filters = filtersFromSearch(
      new URLSearchParams(
        'type=member.joined&type=member.joined&type=DROP TABLE&actor=me&from=2026-02-31&to=x',
      ),
    );
    expect(filters).toEqual({
      eventTypes: ['member.joined'],
      actorId: undefined,
      actorKeyId: undefined,
      targetId: undefined,
      targetType: undefined,
      from: undefined,
      to: undefined,
    });
    // A target type is a word, a target id has no spaces or slashes.
    const junk = filtersFromSearch(new URLSearchParams('targetType=API Key&target=a/b&actorKey=x'));
    expect(isFiltered(junk)).toBe(false);
    expect(isFiltered(filters)).toBe(true);
    expect(isFiltered(NO_FILTERS)).toBe(false);
  });

  it('toggles event types, and compares filters whatever the order of the types', () => {
    const one = toggleEventType(NO_FILTERS, 'member.joined');
    expect(one.eventTypes).toEqual(['member.joined']);
    expect(toggleEventType(one, 'member.joined').eventTypes).toEqual([]);
    expect(sameFilters({ eventTypes: ['b.x', 'a.y'] }, { eventTypes: ['a.y', 'b.x'] })).toBe(true);
    expect(sameFilters(one, NO_FILTERS)).toBe(false);
    expect(sameFilters({ eventTypes: [], from: '2026-11-01' }, NO_FILTERS)).toBe(false);
  });
});

describe('actor and target filters', () => {
  it('keeps a member or a key as the actor, never both', () => {
    const byKey = withActor(NO_FILTERS, `key:${KEY}`);
    expect(byKey).toMatchObject({ actorId: undefined, actorKeyId: KEY });
    expect(actorChoice(byKey)).toBe(`key:${KEY}`);
    const byMember = withActor(byKey, `user:${ACTOR}`);
    expect(byMember).toMatchObject({ actorId: ACTOR, actorKeyId: undefined });
    expect(actorChoice(withActor(byMember, ''))).toBe('');
    // Both in a hand-made URL: the member wins.
    expect(
      filtersFromSearch(new URLSearchParams(`actor=${ACTOR}&actorKey=${KEY}`)).actorKeyId,
    ).toBeUndefined();
  });

  it('filters by an object, or by every object of a type, separately from the actor', () => {
    const aboutBob = withTarget(withActor(NO_FILTERS, `user:${KEY}`), `user|${ACTOR}`);
    expect(aboutBob).toMatchObject({ actorId: KEY, targetType: 'user', targetId: ACTOR });
    expect(targetChoice(aboutBob)).toBe(`user|${ACTOR}`);
    const search = filtersToSearch(aboutBob);
    expect(search.toString()).toBe(`actor=${KEY}&target=${ACTOR}&targetType=user`);
    expect(filtersFromSearch(search)).toMatchObject(aboutBob);
    const anyKey = withTarget(NO_FILTERS, 'api_key|');
    expect(anyKey).toMatchObject({ targetType: 'api_key', targetId: undefined });
    expect(isFiltered(anyKey)).toBe(true);
    expect(auditFilterInput('ws', anyKey)).toEqual({ workspaceId: 'ws', targetType: 'api_key' });
    expect(auditFilterInput('ws', withActor(aboutBob, `key:${KEY}`))).toEqual({
      workspaceId: 'ws',
      actorKeyId: KEY,
      targetId: ACTOR,
      targetType: 'user',
    });
    expect(targetChoice(withTarget(aboutBob, ''))).toBe('');
  });
});

describe('filters → API input', () => {
  it('leaves empty filters out', () => {
    expect(auditFilterInput('ws', NO_FILTERS)).toEqual({ workspaceId: 'ws' });
  });

  it('turns days into the first and last instant of those days, in the local zone', () => {
    const input = auditFilterInput('ws', {
      eventTypes: ['member.role_changed', 'member.invited'],
      actorId: ACTOR,
      from: '2026-11-01',
      to: '2026-11-21',
    });
    expect(input).toEqual({
      workspaceId: 'ws',
      eventTypes: ['member.invited', 'member.role_changed'],
      actorId: ACTOR,
      from: new Date(2026, 10, 1, 0, 0, 0, 0).toISOString(),
      to: new Date(2026, 10, 21, 23, 59, 59, 999).toISOString(),
    });
    // The same filters chosen in another order query (and cache) the same thing.
    expect(
      auditFilterInput('ws', { eventTypes: ['member.invited', 'member.role_changed'] }).eventTypes,
    ).toEqual(input.eventTypes);
  });
});

describe('presenting entries', () => {
  it('offers every workspace event type, and no account event', () => {
    const offered = WORKSPACE_EVENT_GROUPS.flatMap((group) => group.events);
    // Grouped by domain (a group gathers its events wherever the contract lists them).
    expect([...offered].sort()).toEqual(
      AUDIT_EVENTS.filter((type) => !type.startsWith('auth.') && !type.startsWith('account.')).sort(),
    );
    expect(WORKSPACE_EVENT_GROUPS.every((group) => group.events.length > 0)).toBe(true);
  });

  it('names events for people, also ones it does not know yet', () => {
    expect(['member.role_changed', 'domain.dns_checked'].map(eventLabel)).toEqual([
      'Role changed',
      'Dns checked',
    ]);
    expect(['apikey.revoked', 'member.joined'].map(eventTone)).toEqual(['rose', 'emerald']);
  });

  it('shows the server’s target label, else the type', () => {
    expect(targetText({ targetType: 'api_key', targetLabel: 'Key “CI” (acb82c61)' })).toBe(
      'Key “CI” (acb82c61)',
    );
    expect(targetText({ targetType: 'validation_policy', targetLabel: null })).toBe('validation policy');
    expect(targetText({ targetType: null, targetLabel: null })).toBeNull();
  });

  it('reads what an entry changed from its metadata', () => {
    expect(entryChanges({ from: 'member', to: 'admin' })).toEqual([{ from: 'member', to: 'admin' }]);
    expect(entryChanges({ from: false, to: true })).toEqual([{ from: 'off', to: 'on' }]);
    // Records of fields: the fields that differ, named for people.
    expect(
      entryChanges({
        from: { maxRetries: 3, url: 'a', note: null },
        to: { maxRetries: 5, url: 'a', note: 'x' },
      }),
    ).toEqual([
      { field: 'max retries', from: '3', to: '5' },
      { field: 'note', from: '—', to: 'x' },
    ]);
    expect(entryChanges({ name: 'CI' })).toEqual([]);
    expect(entryChanges({ from: 'a' })).toEqual([]);
    expect(entryChanges(null)).toEqual([]);
  });
});
