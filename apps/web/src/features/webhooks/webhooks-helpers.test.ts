import {
  EVENT_TYPES,
  TEST_EVENT_TYPE,
  WEBHOOK_DEFAULT_OVERLAP_HOURS,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_MAX_OVERLAP_HOURS,
} from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { clockAt, schemaRefusal } from '../../lib/test-fixtures.ts';
import { formatDateTime } from '../../lib/time.ts';
import { sameFilters } from '../../lib/use-url-filters.ts';
import {
  DELIVERY_FILTERS_CODEC,
  type DeliveryFilters,
  deliveriesInput,
  filtersFromSearch,
  filtersToSearch,
  isFiltered,
  NO_FILTERS,
} from './delivery-filters.ts';
import { webhookActionError } from './webhook-errors.ts';
import { isEndpointId, webhookPath, webhooksPath } from './webhook-paths.ts';
import {
  anyPending,
  DEFAULT_OVERLAP_HOURS,
  DELIVERY_STATUSES,
  deliveryStatus,
  disabledReasonText,
  endpointChanges,
  endpointState,
  eventTypeLabel,
  formatDuration,
  lastDuration,
  lastSuccessText,
  MAX_OVERLAP_HOURS,
  nextAttemptText,
  orderedTypes,
  overlapLeftText,
  parseOverlapHours,
  prettyJson,
  relativeTime,
  requestHeaderList,
  statusCodeText,
  statusCodeTone,
  TEST_EVENT,
  toggleType,
  urlHost,
  urlProblem,
  verifySnippet,
} from './webhooks-model.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const { ago, later } = clockAt(NOW);

const healthy = {
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  failingSince: null,
  consecutiveFailures: 0,
} as const;

describe('the dashboard matches the contract', () => {
  it('spells out the same constants', () => {
    expect(DELIVERY_STATUSES).toEqual(WEBHOOK_DELIVERY_STATUSES);
    expect(MAX_OVERLAP_HOURS).toBe(WEBHOOK_MAX_OVERLAP_HOURS);
    expect(DEFAULT_OVERLAP_HOURS).toBe(WEBHOOK_DEFAULT_OVERLAP_HOURS);
    expect(TEST_EVENT).toBe(TEST_EVENT_TYPE);
  });
});

describe('endpoint state and reason', () => {
  it('is enabled when healthy', () => {
    expect(endpointState(healthy)).toEqual({
      key: 'enabled',
      label: 'Enabled',
      tone: 'emerald',
      reason: null,
    });
  });

  it('says since when an enabled endpoint fails, and how many times in a row', () => {
    const state = endpointState({ ...healthy, failingSince: ago(7200), consecutiveFailures: 3 });
    expect(state.key).toBe('failing');
    expect(state.tone).toBe('amber');
    expect(state.reason).toBe(`Failing since ${formatDateTime(ago(7200))} (3 consecutive failures).`);
    expect(endpointState({ ...healthy, consecutiveFailures: 1 }).reason).toBe(
      'Failing (1 consecutive failure).',
    );
  });

  it('explains why it was disabled', () => {
    const manual = endpointState({
      ...healthy,
      enabled: false,
      disabledReason: 'manual',
      disabledAt: ago(60),
    });
    expect(manual).toMatchObject({ key: 'disabled', label: 'Disabled', tone: 'slate' });
    expect(manual.reason).toBe(`Disabled by a member on ${formatDateTime(ago(60))}.`);

    const gone = endpointState({ ...healthy, enabled: false, disabledReason: 'gone', disabledAt: ago(60) });
    expect(gone).toMatchObject({ label: 'Auto-disabled', tone: 'rose' });
    expect(gone.reason).toContain('answered 410 Gone');

    const failing = endpointState({
      ...healthy,
      enabled: false,
      disabledReason: 'failing',
      disabledAt: ago(60),
      failingSince: ago(90_000),
    });
    expect(failing.reason).toBe(`Disabled automatically: failing since ${formatDateTime(ago(90_000))}.`);
    expect(disabledReasonText('failing', null, null)).toBe(
      'Disabled automatically after failing for too long.',
    );
    expect(disabledReasonText(null, null, null)).toBe('Disabled.');
  });

  it('says when the last success was', () => {
    expect(lastSuccessText(null, NOW)).toBe('No successful delivery yet');
    expect(lastSuccessText(ago(300), NOW)).toBe('Last success 5 minutes ago');
  });
});

describe('endpoint form', () => {
  it('checks the URL before asking the server', () => {
    expect(urlProblem('')).toMatch(/Enter the URL/);
    expect(urlProblem('example.com/hook')).toMatch(/full URL/);
    expect(urlProblem('ftp://example.com/hook')).toMatch(/https:\/\//);
    expect(urlProblem(`https://example.com/${'a'.repeat(2048)}`)).toMatch(/too long/);
    expect(urlProblem(' https://example.com/hook ')).toBeUndefined();
    expect(urlProblem('http://127.0.0.1:8080/hook')).toBeUndefined();
  });

  it('sends only what changed', () => {
    const saved = { url: 'https://a.example/h', description: null, eventTypes: ['a.x', 'b.y'] };
    expect(endpointChanges(saved, { url: saved.url, description: '', eventTypes: ['b.y', 'a.x'] })).toEqual(
      {},
    );
    expect(
      endpointChanges(saved, { url: ' https://b.example/h ', description: ' Orders ', eventTypes: ['a.x'] }),
    ).toEqual({ url: 'https://b.example/h', description: 'Orders', eventTypes: ['a.x'] });
    expect(
      endpointChanges(
        { ...saved, description: 'Old' },
        { url: saved.url, description: '  ', eventTypes: ['a.x', 'b.y'] },
      ),
    ).toEqual({ description: null });
  });

  it('orders and toggles event types', () => {
    expect(orderedTypes(['z.unknown', 'bulk_job.failed', 'bulk_job.completed'], EVENT_TYPES)).toEqual([
      'bulk_job.completed',
      'bulk_job.failed',
      'z.unknown',
    ]);
    expect(toggleType(['a.x'], 'b.y')).toEqual(['a.x', 'b.y']);
    expect(toggleType(['a.x', 'b.y'], 'a.x')).toEqual(['b.y']);
  });

  it('names hosts and event types', () => {
    expect(urlHost('https://hooks.example.com:8443/postern?x=1')).toBe('hooks.example.com:8443');
    expect(urlHost('not a url')).toBe('not a url');
    expect(eventTypeLabel('bulk_job.completed')).toBe('Bulk job completed');
    expect(eventTypeLabel(TEST_EVENT_TYPE)).toBe('Test event');
  });
});

describe('deliveries', () => {
  const delivery = {
    status: 'pending' as const,
    attempts: 0,
    nextAttemptAt: null as string | null,
    lastStatusCode: null,
    lastError: null,
    attemptLog: [] as Array<{ durationMs: number; statusCode: number | null }>,
  };

  it('labels what a delivery is doing: an attempt in flight is sending, not retrying', () => {
    expect(deliveryStatus({ state: 'queued' })).toEqual({ label: 'Queued', tone: 'slate' });
    expect(deliveryStatus({ state: 'sending' })).toEqual({ label: 'Sending', tone: 'indigo' });
    expect(deliveryStatus({ state: 'retrying' })).toEqual({ label: 'Retrying', tone: 'amber' });
    expect(deliveryStatus({ state: 'succeeded' })).toEqual({ label: 'Succeeded', tone: 'emerald' });
    expect(deliveryStatus({ state: 'failed' })).toEqual({ label: 'Failed', tone: 'rose' });
  });

  it('lists the request headers sent, in a stable order', () => {
    expect(requestHeaderList(null)).toEqual([]);
    expect(
      requestHeaderList({
        'webhook-signature': 'v1,abc',
        'content-type': 'application/json',
        'webhook-id': 'm',
      }),
    ).toEqual([
      ['content-type', 'application/json'],
      ['webhook-id', 'm'],
      ['webhook-signature', 'v1,abc'],
    ]);
  });

  it('polls only while something is pending', () => {
    expect(anyPending([])).toBe(false);
    expect(anyPending([{ status: 'succeeded' }, { status: 'failed' }])).toBe(false);
    expect(anyPending([{ status: 'succeeded' }, { status: 'pending' }])).toBe(true);
  });

  it('formats durations and the latest attempt', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(85.4)).toBe('85 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(15_000)).toBe('15 s');
    expect(lastDuration(delivery)).toBeNull();
    expect(
      lastDuration({
        attemptLog: [
          { durationMs: 42, statusCode: 200 },
          { durationMs: 15_000, statusCode: null },
        ],
      }),
    ).toBe(42);
  });

  it('reads status codes', () => {
    expect(statusCodeText(200)).toBe('200 OK');
    expect(statusCodeText(410)).toBe('410 Gone');
    expect(statusCodeText(299)).toBe('299');
    expect(statusCodeText(null, 'connect ECONNREFUSED')).toBe('No response');
    expect(statusCodeText(null)).toBe('—');
    expect(statusCodeTone(204)).toBe('emerald');
    expect(statusCodeTone(404)).toBe('amber');
    expect(statusCodeTone(503)).toBe('rose');
    expect(statusCodeTone(null)).toBe('rose');
  });

  it('says when the next attempt is due', () => {
    expect(nextAttemptText({ status: 'succeeded', nextAttemptAt: null }, NOW)).toBe('—');
    expect(nextAttemptText({ status: 'pending', nextAttemptAt: null }, NOW)).toBe('now');
    expect(nextAttemptText({ status: 'pending', nextAttemptAt: ago(5) }, NOW)).toBe('now');
    expect(nextAttemptText({ status: 'pending', nextAttemptAt: later(300) }, NOW)).toBe('in 5 minutes');
    expect(nextAttemptText({ status: 'pending', nextAttemptAt: later(7200) }, NOW)).toBe('in 2 hours');
  });

  it('gives relative times either way', () => {
    expect(relativeTime(ago(10), NOW)).toBe('just now');
    expect(relativeTime(ago(3 * 3600), NOW)).toBe('3 hours ago');
    expect(relativeTime(ago(86_400), NOW)).toBe('yesterday');
    expect(relativeTime(later(120), NOW)).toBe('in 2 minutes');
    expect(relativeTime('garbage', NOW)).toBe('garbage');
  });

  it('indents JSON payloads, and shows anything else as sent', () => {
    expect(prettyJson('{"type":"webhook.test","data":{"a":1}}')).toBe(
      '{\n  "type": "webhook.test",\n  "data": {\n    "a": 1\n  }\n}',
    );
    expect(prettyJson('not json')).toBe('not json');
  });
});

describe('delivery log filters', () => {
  it('round-trips through the query string, ignoring junk', () => {
    const filters: DeliveryFilters = {
      status: 'failed',
      eventType: 'bulk_job.completed',
      from: '2026-11-01',
      to: '2026-11-21',
    };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe('status=failed&event=bulk_job.completed&from=2026-11-01&to=2026-11-21');
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(
      filtersFromSearch(new URLSearchParams('status=lost&event=DROP TABLE&from=2026-02-31&to=x')),
    ).toEqual({});
    expect(filtersToSearch(NO_FILTERS).toString()).toBe('');
  });

  it('compares filters by the query string they write', () => {
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ status: 'pending' })).toBe(true);
    const same = (a: DeliveryFilters, b: DeliveryFilters) => sameFilters(DELIVERY_FILTERS_CODEC, a, b);
    expect(same({ status: 'pending' }, { status: 'pending', eventType: undefined })).toBe(true);
    expect(same({ status: 'pending' }, NO_FILTERS)).toBe(false);
  });

  it('becomes the API input: empty filters left out, days as local instants, both included', () => {
    expect(deliveriesInput('ws', 'ep', NO_FILTERS)).toEqual({ workspaceId: 'ws', endpointId: 'ep' });
    expect(
      deliveriesInput('ws', 'ep', {
        status: 'succeeded',
        eventType: TEST_EVENT_TYPE,
        from: '2026-11-01',
        to: '2026-11-21',
      }),
    ).toEqual({
      workspaceId: 'ws',
      endpointId: 'ep',
      status: 'succeeded',
      eventType: 'webhook.test',
      from: new Date(2026, 10, 1, 0, 0, 0, 0).toISOString(),
      // The whole of the 21st is included: the contract's `to` is inclusive (#17).
      to: new Date(2026, 10, 21, 23, 59, 59, 999).toISOString(),
    });
    expect(deliveriesInput('ws', 'ep', { to: '2026-11-30' }).to).toBe(
      new Date(2026, 10, 30, 23, 59, 59, 999).toISOString(),
    );
  });
});

describe('secrets', () => {
  it('reads the rotation overlap', () => {
    expect(parseOverlapHours('24')).toEqual({ hours: 24 });
    expect(parseOverlapHours(' 0 ')).toEqual({ hours: 0 });
    expect(parseOverlapHours('1.5')).toEqual({ hours: 1.5 });
    expect(parseOverlapHours('168')).toEqual({ hours: 168 });
    expect(parseOverlapHours('169')).toEqual({ error: expect.stringMatching(/at most 168/) });
    expect(parseOverlapHours('-1')).toEqual({ error: expect.stringMatching(/negative/) });
    expect(parseOverlapHours('soon')).toEqual({ error: expect.stringMatching(/number/) });
    expect(parseOverlapHours('')).toEqual({ error: expect.stringMatching(/0 to stop/) });
  });

  it('says how long a rotation overlap still runs', () => {
    expect(overlapLeftText(later(24 * 3600), NOW)).toBe('for 24 more hours');
    expect(overlapLeftText(later(3600), NOW)).toBe('for 1 more hour');
    expect(overlapLeftText(later(90), NOW)).toBe('for 2 more minutes');
    expect(overlapLeftText(later(7 * 86_400), NOW)).toBe('for 7 more days');
    expect(overlapLeftText(ago(1), NOW)).toBe('ended');
  });

  it('shows how to verify with the SDK', () => {
    const snippet = verifySnippet();
    expect(snippet).toContain("import { verifyWebhook } from '@postern/sdk'");
    expect(snippet).toContain('verifyWebhook(rawBody, req.headers, secret)');
  });
});

describe('paths and refusals', () => {
  it('builds the pages’ URLs and accepts only UUIDs as endpoint ids', () => {
    expect(webhooksPath('ws 1')).toBe('/w/ws%201/webhooks');
    expect(webhookPath('ws', 'ep')).toBe('/w/ws/webhooks/ep');
    expect(isEndpointId('0b6f3c1e-8d2a-4f5b-9c7d-1e2f3a4b5c6d')).toBe(true);
    expect(isEndpointId('new')).toBe(false);
    expect(isEndpointId(undefined)).toBe(false);
  });

  it('explains refusals from their code, and points at the field', () => {
    const refused = {
      name: 'TRPCClientError',
      message: 'The URL resolves to a private address (127.0.0.1)',
      data: { code: 'VALIDATION_FAILED', details: { field: 'url' } },
    };
    expect(webhookActionError(refused, 'create')).toEqual({
      title: 'Could not create the endpoint',
      message: 'The URL resolves to a private address (127.0.0.1).',
      field: 'url',
      staleRole: false,
    });
    const invalid = schemaRefusal('overlapHours', 'The overlap is at most 168 hours');
    expect(webhookActionError(invalid, 'rotate')).toMatchObject({
      message: 'The overlap is at most 168 hours.',
      field: 'overlapHours',
    });
    const forbidden = { message: 'Only owners and admins', data: { code: 'FORBIDDEN' } };
    expect(webhookActionError(forbidden, 'reveal')).toMatchObject({ title: 'Not allowed', staleRole: true });
    const gone = { message: 'Endpoint not found', data: { code: 'NOT_FOUND' } };
    expect(webhookActionError(gone, 'resend').message).toMatch(/deleted in the meantime/);
  });
});
