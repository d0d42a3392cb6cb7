import { describe, expect, it } from 'vitest';
import { blockingItems, campaignActionError } from './campaign-errors.ts';
import {
  type CampaignValues,
  campaignData,
  campaignFormOf,
  campaignFormProblems,
  changedData,
  emptyCampaignForm,
  isDirty,
} from './campaign-form.ts';
import {
  allowedActions,
  CAMPAIGN_STATUSES,
  type CampaignCounters,
  isLive,
  metricCards,
  progress,
  skipReasons,
} from './campaigns-model.ts';
import { addressFormOf, settingsUpdate } from './postal-address-model.ts';
import { previewDocument } from './preview-frame.tsx';
import { defaultLocal, emptyScheduleForm, scheduleInput, scheduleProblems } from './schedule-model.ts';
import {
  formatInZone,
  groupTimeZones,
  timeZones,
  toLocalInput,
  zonedToInstant,
  zoneOffset,
} from './time-zone.ts';

describe('a wall-clock time in a chosen zone', () => {
  /** A wall-clock time, its zone, the instant it names there, and how (the kind of answer). */
  const CASES = [
    // Winter and summer.
    ['2026-12-24T09:30', 'Europe/Berlin', '2026-12-24T08:30:00Z', 'exact'],
    ['2026-07-01T09:30', 'Europe/Berlin', '2026-07-01T07:30:00Z', 'exact'],
    ['2026-07-01T09:30', 'America/New_York', '2026-07-01T13:30:00Z', 'exact'],
    ['2026-12-24T09:30', 'Asia/Kolkata', '2026-12-24T04:00:00Z', 'exact'],
    ['2026-12-24T09:30', 'UTC', '2026-12-24T09:30:00Z', 'exact'],
    // Across the date line both ways.
    ['2026-01-01T00:15', 'Pacific/Kiritimati', '2025-12-31T10:15:00Z', 'exact'],
    ['2026-01-01T00:15', 'Pacific/Pago_Pago', '2026-01-01T11:15:00Z', 'exact'],
    // A time that happens twice when clocks go back: the first. Berlin, 25 October 2026: 02:30
    // happens at 00:30 UTC (CEST) and at 01:30 UTC (CET).
    ['2026-10-25T02:30', 'Europe/Berlin', '2026-10-25T00:30:00Z', 'repeated'],
    ['2026-11-01T01:30', 'America/New_York', '2026-11-01T05:30:00Z', 'repeated'],
  ] as const;

  it.each(CASES)('names the instant %s in %s is (%s, %s)', (local, zone, instant, kind) => {
    expect(zonedToInstant(local, zone)).toEqual({ kind, instant: new Date(instant) });
  });

  it('moves a time skipped by the change to summer time forward, as clocks do', () => {
    // Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 never happens.
    const skipped = zonedToInstant('2026-03-29T02:30', 'Europe/Berlin');
    expect(skipped).toEqual({
      kind: 'skipped',
      instant: new Date('2026-03-29T01:30:00Z'),
      shiftedTo: '2026-03-29T03:30',
    });
  });

  it('refuses what is not a date-time or not a zone', () => {
    expect(zonedToInstant('', 'Europe/Berlin').kind).toBe('invalid');
    expect(zonedToInstant('2026-02-30T10:00', 'Europe/Berlin').kind).toBe('invalid');
    expect(zonedToInstant('2026-12-24T25:00', 'Europe/Berlin').kind).toBe('invalid');
    expect(zonedToInstant('2026-12-24T09:30', 'Mars/Olympus_Mons').kind).toBe('invalid');
  });

  it('reads an instant back in any zone', () => {
    const instant = new Date('2026-12-24T08:30:00Z');
    expect(toLocalInput(instant, 'Europe/Berlin')).toBe('2026-12-24T09:30');
    expect(toLocalInput(instant, 'America/Los_Angeles')).toBe('2026-12-24T00:30');
    expect(zoneOffset(instant.getTime(), 'Asia/Kathmandu')).toBe(5.75 * 3_600_000);
    expect(formatInZone(instant, 'UTC')).toBe('Thu, 24 Dec 2026, 08:30 UTC');
    expect(formatInZone(instant, 'Europe/Berlin')).toMatch(/^Thu, 24 Dec 2026, 09:30 (CET|GMT\+1)$/);
  });

  it('offers every zone the browser knows, grouped by region, with UTC and an alias it reports', () => {
    const zones = timeZones('Asia/Calcutta');
    expect(zones).toContain('Europe/Berlin');
    expect(zones).toContain('UTC');
    expect(zones).toContain('Asia/Calcutta');
    expect(zones.length).toBeGreaterThan(300);
    expect(timeZones('Not/AZone')).not.toContain('Not/AZone');
    const groups = groupTimeZones(['UTC', 'Europe/Berlin', 'Europe/Paris', 'America/Argentina/Salta']);
    expect(groups).toEqual([
      { region: 'Other', zones: ['UTC'] },
      { region: 'Europe', zones: ['Europe/Berlin', 'Europe/Paris'] },
      { region: 'America', zones: ['America/Argentina/Salta'] },
    ]);
  });
});

describe('what a campaign allows in each state', () => {
  it('edits, test-sends, schedules and deletes only drafts', () => {
    expect(allowedActions('draft')).toEqual(['edit', 'testSend', 'schedule', 'duplicate', 'remove']);
    for (const status of CAMPAIGN_STATUSES.filter((s) => s !== 'draft')) {
      expect(allowedActions(status)).not.toContain('edit');
      expect(allowedActions(status)).not.toContain('schedule');
      expect(allowedActions(status)).not.toContain('remove');
      expect(allowedActions(status)).toContain('duplicate');
    }
  });

  it('pauses what is scheduled or sending, resumes what is paused, cancels all three', () => {
    expect(allowedActions('scheduled')).toEqual(['pause', 'cancel', 'duplicate']);
    expect(allowedActions('sending')).toEqual(['pause', 'cancel', 'duplicate']);
    expect(allowedActions('paused')).toEqual(['resume', 'cancel', 'duplicate']);
    for (const ended of ['sent', 'cancelled', 'failed']) expect(allowedActions(ended)).toEqual(['duplicate']);
    expect(allowedActions('exploded')).toEqual([]);
    expect(isLive('sending')).toBe(true);
    expect(isLive('paused')).toBe(false);
  });
});

const counters: CampaignCounters = {
  recipients: 200,
  sent: 120,
  failed: 4,
  unknown: 1,
  unsubscribed: 2,
  skippedSuppressed: 3,
  skippedUnsubscribed: 1,
  skippedNoConsent: 5,
  skippedVerification: 6,
};

describe('campaign figures', () => {
  it('counts every recipient dealt with as progress', () => {
    expect(progress(counters)).toEqual({ percent: 70, done: 140, text: '120 sent of 200' });
    expect(progress({ ...counters, recipients: 0 })).toEqual({
      percent: 0,
      done: 0,
      text: 'No recipients yet',
    });
    expect(progress({ ...counters, recipients: 10 }).done).toBe(10);
  });

  it('lists the totals and the skips by reason', () => {
    expect(metricCards(counters).map((card) => [card.id, card.value])).toEqual([
      ['recipients', 200],
      ['sent', 120],
      ['failed', 4],
      ['unknown', 1],
      ['unsubscribed', 2],
      ['skipped', 15],
    ]);
    expect(skipReasons(counters).map((reason) => reason.value)).toEqual([3, 1, 5, 6]);
  });
});

const saved: CampaignValues = {
  name: 'December news',
  subject: 'What we shipped',
  preheader: null,
  mailboxId: null,
  replyTo: null,
  listId: 'list-1',
  htmlBody: '<p>Hi</p>',
  textBody: 'Hi',
  textBodyCustom: false,
};

describe('the campaign form', () => {
  it('needs a name, a well-formed reply-to and texts within their limits', () => {
    const form = { ...emptyCampaignForm(), name: ' ', replyTo: 'not-an-address', subject: 'x'.repeat(301) };
    const errors = campaignFormProblems(form);
    expect(Object.keys(errors).sort()).toEqual(['name', 'replyTo', 'subject']);
    expect(errors.subject).toBe('Keep it under 300 characters.');
    expect(
      campaignFormProblems({ ...form, name: 'News', replyTo: 'desk@example.com', subject: 'Hi' }),
    ).toEqual({});
    expect(
      campaignFormProblems({ ...emptyCampaignForm(), name: 'N', textBodyCustom: true, textBody: ' ' }),
    ).toEqual({ textBody: 'Write the text version, or let it follow the HTML.' });
  });

  it('sends trimmed fields, empty optional ones as null, the text only when it is the member’s own', () => {
    const form = { ...emptyCampaignForm(), name: ' News ', subject: ' Hi ', preheader: '  ', replyTo: ' ' };
    expect(campaignData(form)).toEqual({
      name: 'News',
      subject: 'Hi',
      preheader: null,
      mailboxId: null,
      replyTo: null,
      listId: null,
      htmlBody: form.htmlBody,
      textBodyCustom: false,
    });
    expect(campaignData({ ...form, textBodyCustom: true, textBody: 'Plain' })).toMatchObject({
      textBodyCustom: true,
      textBody: 'Plain',
    });
  });

  it('saves only what changed', () => {
    const form = campaignFormOf(saved);
    expect(changedData(saved, form)).toEqual({});
    expect(isDirty(saved, form)).toBe(false);
    expect(changedData(saved, { ...form, subject: 'New subject ', listId: '' })).toEqual({
      subject: 'New subject',
      listId: null,
    });
    expect(changedData(saved, { ...form, textBodyCustom: true })).toEqual({
      textBodyCustom: true,
      textBody: 'Hi',
    });
    expect(isDirty(undefined, form)).toBe(true);
  });
});

describe('the preview document', () => {
  it('wraps the message and sends links to a new tab (which the sandbox refuses)', () => {
    const html = previewDocument('<p>Hi</p>');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<base target="_blank">');
    expect(html).toContain('<p>Hi</p></body>');
  });
});

describe('the schedule form', () => {
  const now = Date.parse('2026-12-06T07:05:00Z');

  it('proposes the next quarter hour an hour from now, in the chosen zone', () => {
    expect(defaultLocal(now, 'UTC')).toBe('2026-12-06T08:15');
    expect(defaultLocal(now, 'Europe/Berlin')).toBe('2026-12-06T09:15');
    expect(emptyScheduleForm(now, 'Asia/Tokyo')).toMatchObject({ when: 'now', local: '2026-12-06T17:15' });
  });

  it('sends the instant in UTC with the zone it was chosen in; now sends no time', () => {
    const later = {
      when: 'later',
      local: '2026-12-24T09:30',
      timeZone: 'Europe/Berlin',
      acknowledge: false,
    } as const;
    expect(scheduleInput(later)).toEqual({
      at: '2026-12-24T08:30:00.000Z',
      timeZone: 'Europe/Berlin',
      acknowledgeWarnings: false,
    });
    expect(scheduleInput({ ...later, when: 'now' })).toEqual({
      timeZone: 'Europe/Berlin',
      acknowledgeWarnings: false,
    });
  });

  it('refuses a missing or past time, and unacknowledged warnings', () => {
    const form = { when: 'later', local: '', timeZone: 'UTC', acknowledge: false } as const;
    expect(scheduleProblems(form, now, false)).toEqual({ local: 'Enter a date and a time.' });
    expect(scheduleProblems({ ...form, local: '2026-12-06T06:00' }, now, false)).toEqual({
      local: 'Choose a time in the future, or send now.',
    });
    expect(scheduleProblems({ ...form, local: '2026-12-06T09:00' }, now, false)).toEqual({});
    expect(scheduleProblems({ ...form, local: '2028-01-01T09:00' }, now, false)).toEqual({
      local: 'Choose a time within a year.',
    });
    expect(scheduleProblems({ ...form, when: 'now' }, now, true)).toEqual({
      acknowledge: 'Read the warnings above and confirm you want to send anyway.',
    });
    expect(scheduleProblems({ ...form, when: 'now', acknowledge: true }, now, true)).toEqual({});
  });
});

describe('a refused campaign action', () => {
  const refused = (details: Record<string, unknown>) => ({
    name: 'TRPCClientError',
    message: 'The campaign cannot be scheduled yet: Set the postal address. Choose a list.',
    data: { code: 'CONFLICT', httpStatus: 409, details },
  });

  it('says what blocked the schedule in the server’s words, and points at the postal-address form', () => {
    const error = refused({
      checklist: [
        { id: 'postal_address', detail: 'x' },
        { id: 'list', detail: 'y' },
      ],
    });
    expect(blockingItems(error)).toEqual(['postal_address', 'list']);
    expect(campaignActionError(error, 'schedule')).toEqual({
      title: 'Could not schedule the campaign',
      message: 'The campaign cannot be scheduled yet: Set the postal address. Choose a list.',
      staleRole: false,
      postalAddress: true,
      needsAcknowledgement: false,
    });
  });

  it('asks for the warnings to be acknowledged when the server says so; other refusals point nowhere', () => {
    const warned = campaignActionError(
      refused({ reason: 'warnings', item: 'sender_auth', checklist: [{ id: 'sender_auth' }] }),
      'schedule',
    );
    expect(warned).toMatchObject({ postalAddress: false, needsAcknowledgement: true });
    const forbidden = campaignActionError({ message: 'No.', data: { code: 'FORBIDDEN' } }, 'pause');
    expect(forbidden).toMatchObject({ title: 'Not allowed', staleRole: true, postalAddress: false });
    expect(forbidden.message).toContain('Only owners and admins pause campaigns.');
    expect(blockingItems(new Error('network'))).toEqual([]);
  });
});

describe('the postal-address form', () => {
  const settings = {
    postalAddress: '1 Harbour Street, Bristol',
    senders: [
      { mailboxId: 'm1', email: 'anna@example.com', postalAddress: null },
      { mailboxId: 'm2', email: 'sales@example.com', postalAddress: 'PO Box 7, Leeds' },
    ],
  };

  it('sends the workspace’s address and only the senders whose override changed', () => {
    const form = addressFormOf(settings);
    expect(form).toEqual({
      workspace: '1 Harbour Street, Bristol',
      senders: { m1: '', m2: 'PO Box 7, Leeds' },
    });
    expect(settingsUpdate(settings, form)).toEqual({ postalAddress: '1 Harbour Street, Bristol' });
    expect(settingsUpdate(settings, { workspace: ' 2 Quay ', senders: { m1: ' Box 1 ', m2: '' } })).toEqual({
      postalAddress: '2 Quay',
      senders: [
        { mailboxId: 'm1', postalAddress: 'Box 1' },
        { mailboxId: 'm2', postalAddress: null },
      ],
    });
  });
});
