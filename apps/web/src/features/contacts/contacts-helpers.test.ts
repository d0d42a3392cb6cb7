import { describe, expect, it } from 'vitest';
import { sameFilters } from '../../lib/use-url-filters.ts';
import {
  CONTACT_FILTERS_CODEC,
  contactsInput,
  filtersFromSearch,
  filtersToSearch,
  isFiltered,
} from './contact-filters.ts';
import { contactPath, contactsPath, isContactId } from './contact-paths.ts';
import {
  actorText,
  attributeEntries,
  confirmsAddress,
  contactActionError,
  contactExportFilename,
  emailProblem,
  orderTimeline,
  type TimelineEntry,
  timelineFacts,
} from './contacts-model.ts';

const LIST = '0b7c9e4e-3a59-4e8f-9d1c-1f0e2d3c4b5a';
const USER = '6f1d2c3b-4a59-4e8f-9d1c-1f0e2d3c4b5a';
const WS = '11111111-2222-4333-8444-555555555555';

const entry = (over: Partial<TimelineEntry> = {}): TimelineEntry => ({
  id: 'e1',
  type: 'subscribed',
  method: 'hosted_form',
  listId: LIST,
  consentTextVersionId: null,
  express: true,
  basis: null,
  actorType: null,
  actorId: null,
  occurredAt: '2026-12-06T04:00:00.000Z',
  email: 'ada@example.com',
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0',
  source: null,
  personErased: false,
  ...over,
});

const names = { lists: new Map([[LIST, 'Weekly']]), members: new Map([[USER, 'olga@example.com']]) };

describe('the contacts filters', () => {
  it('round-trip through the URL and ignore junk', () => {
    const filters = { search: 'ada', listId: LIST, status: 'active' as const };
    expect(filtersFromSearch(filtersToSearch(filters))).toEqual(filters);
    expect(filtersFromSearch(new URLSearchParams('list=nope&status=gone&q=%20%20'))).toEqual({
      search: undefined,
      listId: undefined,
      status: undefined,
    });
    expect(sameFilters(CONTACT_FILTERS_CODEC, { search: ' ada ' }, { search: 'ada' })).toBe(true);
  });

  it('leave empty filters out of the API input', () => {
    expect(contactsInput(WS, {})).toEqual({ workspaceId: WS });
    expect(contactsInput(WS, { search: ' ad ', status: 'unconfirmed' })).toEqual({
      workspaceId: WS,
      search: 'ad',
      status: 'unconfirmed',
    });
    expect(isFiltered({})).toBe(false);
    expect(isFiltered({ search: '  ' })).toBe(false);
    expect(isFiltered({ listId: LIST })).toBe(true);
  });

  it('build the pages’ URLs and accept only UUIDs as contact ids', () => {
    expect(contactsPath(WS)).toBe(`/w/${WS}/contacts`);
    expect(contactPath(WS, LIST)).toBe(`/w/${WS}/contacts/${LIST}`);
    expect(isContactId(LIST)).toBe(true);
    expect(isContactId('../x')).toBe(false);
  });
});

describe('the consent timeline', () => {
  it('states method, list, express consent, IP and user agent of a sign-up', () => {
    expect(timelineFacts(entry(), names)).toEqual([
      { label: 'Method', value: 'Hosted sign-up form' },
      { label: 'List', value: 'Weekly' },
      { label: 'Consent', value: 'Express' },
      { label: 'Recorded by', value: 'The person' },
      { label: 'Address', value: 'ada@example.com' },
      { label: 'IP address', value: '203.0.113.9' },
      { label: 'User agent', value: 'Mozilla/5.0' },
    ]);
  });

  it('names who imported and on what basis, and the consent text version', () => {
    const facts = timelineFacts(
      entry({
        type: 'imported',
        method: 'import',
        express: false,
        basis: 'legitimate_interest',
        actorType: 'user',
        actorId: USER,
        consentTextVersionId: 'v1',
        ip: null,
        userAgent: null,
        source: 'crm.csv',
      }),
      { ...names, versions: new Map([['v1', 'Version 2']]) },
    );
    expect(facts).toContainEqual({ label: 'Consent', value: 'Implied' });
    expect(facts).toContainEqual({ label: 'Declared basis', value: 'Legitimate interest' });
    expect(facts).toContainEqual({ label: 'Imported by', value: 'olga@example.com' });
    expect(facts).toContainEqual({ label: 'Consent text', value: 'Version 2' });
    expect(facts).toContainEqual({ label: 'Source', value: 'crm.csv' });
  });

  it('shows nothing personal of an erased person', () => {
    const facts = timelineFacts(entry({ personErased: true, email: null, ip: null, userAgent: null }), names);
    expect(facts.map((fact) => fact.label)).toEqual(['Method', 'List', 'Consent', 'Recorded by']);
  });

  it('names former members, API keys and deleted lists without ids in full', () => {
    expect(actorText({ actorType: 'user', actorId: 'abcdef1234', method: 'dashboard' }, names)).toBe(
      'A former member (abcdef12)',
    );
    expect(actorText({ actorType: 'api_key', actorId: 'k1234567890', method: 'api' }, names)).toBe(
      'API key k1234567',
    );
    expect(actorText({ actorType: null, actorId: null, method: 'api' }, names)).toBeNull();
    // Before the members are known, nobody is called a former member.
    expect(
      actorText({ actorType: 'user', actorId: USER, method: 'dashboard' }, { ...names, members: undefined }),
    ).toBe('A member (6f1d2c3b)');
    expect(timelineFacts(entry({ listId: 'gone' }), names)[1]).toEqual({
      label: 'List',
      value: 'A deleted list',
    });
  });

  it('reads oldest first, keeping the server’s order for events at the same instant', () => {
    const a = entry({ id: 'a', occurredAt: '2026-12-06T05:00:00.000Z' });
    const b = entry({ id: 'b', occurredAt: '2026-12-06T04:00:00.000Z' });
    const c = entry({ id: 'c', occurredAt: '2026-12-06T04:00:00.000Z' });
    expect(orderTimeline([a, b, c]).map((e) => e.id)).toEqual(['b', 'c', 'a']);
  });
});

describe('contacts: values and refusals', () => {
  it('shows attributes sorted, non-strings as JSON', () => {
    expect(attributeEntries({ plan: 'pro', age: 42, vip: true, none: null })).toEqual([
      ['age', '42'],
      ['none', 'null'],
      ['plan', 'pro'],
      ['vip', 'true'],
    ]);
  });

  it('checks a typed address before sending it', () => {
    expect(emailProblem('')).toBe('Enter the email address.');
    expect(emailProblem('ada')).toMatch(/such as/);
    expect(emailProblem(' ada@example.com ')).toBeUndefined();
  });

  const refused = (code: string, message: string, details?: Record<string, unknown>) => ({
    name: 'TRPCClientError',
    message,
    data: { code, ...(details ? { details } : {}) },
  });

  it('says plainly that a suppressed address cannot be subscribed, in the server’s words', () => {
    const problem = contactActionError(
      refused(
        'CONFLICT',
        'Not subscribed: the address is suppressed (manual): only the person can subscribe again',
        {
          reason: 'suppressed',
        },
      ),
      'add',
    );
    expect(problem.title).toBe('This address is suppressed');
    expect(problem.message).toMatch(/^Not subscribed: the address is suppressed \(manual\).*again\.$/);
  });

  it('puts an invalid address under the field, and a role change asks for a re-read', () => {
    const invalid = contactActionError(
      refused('VALIDATION_FAILED', 'contact.email: Not a valid email address (syntax)', {
        field: 'contact.email',
      }),
      'add',
    );
    expect(invalid).toMatchObject({ field: 'email', message: 'Not a valid email address (syntax).' });
    expect(contactActionError(refused('FORBIDDEN', 'Not allowed'), 'erase')).toMatchObject({
      title: 'Not allowed',
      staleRole: true,
    });
    expect(
      contactActionError(refused('CONFLICT', 'A contact with this address exists already'), 'add'),
    ).toMatchObject({
      title: 'Could not add the contact',
      message: 'A contact with this address exists already.',
    });
  });
});

describe("a person's rights", () => {
  it('names the export after the workspace, the short id and the day, never the address', () => {
    const name = contactExportFilename("Ada's Shop", WS, Date.UTC(2026, 11, 6, 23, 59));
    expect(name).toBe('ada-s-shop-contact-11111111-2026-12-06.json');
  });

  it('confirms an erasure only with the address typed (case and surrounding spaces aside)', () => {
    expect(confirmsAddress(' ADA@example.com ', 'ada@example.com')).toBe(true);
    expect(confirmsAddress('ada@example.co', 'ada@example.com')).toBe(false);
    expect(confirmsAddress('', 'ada@example.com')).toBe(false);
  });
});
