import { AUDIT_EVENTS } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { describeTarget, eventLabel, eventTone, WORKSPACE_EVENT_GROUPS } from './audit-events.ts';
import {
  auditFilterInput,
  dateRangeProblem,
  filtersFromSearch,
  filtersToSearch,
  isDay,
  isFiltered,
  NO_FILTERS,
  sameFilters,
  toggleEventType,
} from './audit-filters.ts';

const ACTOR = '0b6f3c1e-8d2a-4f5b-9c7d-1e2f3a4b5c6d';

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
      from: undefined,
      to: undefined,
    });
    expect(isFiltered(filters)).toBe(true);
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
  });

  it('toggles event types and checks the date range', () => {
    const one = toggleEventType(NO_FILTERS, 'member.joined');
    expect(one.eventTypes).toEqual(['member.joined']);
    expect(toggleEventType(one, 'member.joined').eventTypes).toEqual([]);
    expect(sameFilters({ eventTypes: ['b.x', 'a.y'] }, { eventTypes: ['a.y', 'b.x'] })).toBe(true);
    expect(sameFilters(one, NO_FILTERS)).toBe(false);
    expect(sameFilters({ eventTypes: [], from: '2026-11-01' }, NO_FILTERS)).toBe(false);
    expect(dateRangeProblem({ eventTypes: [], from: '2026-11-02', to: '2026-11-01' })).toMatch(/after/);
    expect(dateRangeProblem({ eventTypes: [], from: '2026-11-01', to: '2026-11-01' })).toBeUndefined();
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
    expect(offered).toEqual(AUDIT_EVENTS.filter((type) => !type.startsWith('auth.')));
    expect(WORKSPACE_EVENT_GROUPS.every((group) => group.events.length > 0)).toBe(true);
  });

  it('names events for people, also ones it does not know yet', () => {
    expect(eventLabel('member.role_changed')).toBe('Role changed');
    expect(eventLabel('domain.dns_checked')).toBe('Dns checked');
    expect(eventTone('apikey.revoked')).toBe('rose');
    expect(eventTone('member.joined')).toBe('emerald');
  });

  it('describes targets with what it knows', () => {
    const emails = new Map([['u1', 'bob@example.com']]);
    expect(describeTarget({ targetType: 'user', targetId: 'u1', metadata: null }, emails)).toBe(
      'bob@example.com',
    );
    expect(
      describeTarget({ targetType: 'invitation', targetId: 'i1', metadata: { email: 'x@y.z' } }, emails),
    ).toBe('Invitation for x@y.z');
    expect(describeTarget({ targetType: 'api_key', targetId: 'k', metadata: { name: 'CI' } }, emails)).toBe(
      'Key “CI”',
    );
    expect(describeTarget({ targetType: 'api_key', targetId: '12345678-aaaa', metadata: null }, emails)).toBe(
      'api key 12345678',
    );
    expect(describeTarget({ targetType: null, targetId: null, metadata: null }, emails)).toBeNull();
  });
});
