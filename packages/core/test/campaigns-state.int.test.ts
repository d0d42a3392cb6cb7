// Campaigns against a real database and pg-boss: composing drafts, the checklist's counts, the state
// machine (every legal move, illegal ones refused and changing nothing), scheduling refused without a
// postal address (issue #31's acceptance test) or a sender that can send, the start job queued on the
// same transaction at the scheduled instant, time zones, metrics buckets, another workspace's
// campaign not found, and the 2-year retention rule.
import { randomBytes, randomUUID } from 'node:crypto';
import { ALL_QUEUES, type SenderAuthReportDto } from '@postern/contracts';
import { Mailbox } from '@postern/db';
import { createLogger, createQueueClient, ensureQueues, type PgBoss } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addSuppressions,
  campaignChecklist,
  campaignMetrics,
  cancelCampaign,
  createCampaign,
  createList,
  deleteCampaign,
  duplicateCampaign,
  getCampaign,
  getCampaignSettings,
  listCampaigns,
  passwordContext,
  pauseCampaign,
  previewCampaign,
  purgeEndedCampaigns,
  resumeCampaign,
  scheduleCampaign,
  subscribe,
  updateCampaign,
  updateCampaignSettings,
} from '../src/index.ts';
import { contactsWorld, EMAILS } from './support/contacts-world.ts';
import { domainErrorOf } from './support/domain-error.ts';

const world = contactsWorld({ ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` });
let boss: PgBoss;
let ws = '';
let owner = '';

const PASSING: SenderAuthReportDto = {
  domain: 'acme.test',
  spf: { status: 'pass', record: 'v=spf1 -all', advice: null },
  dkim: { status: 'pass', selector: 's1', record: 'v=DKIM1', advice: null, selectorsTried: ['s1'] },
  dmarc: { status: 'pass', record: 'v=DMARC1; p=reject', policy: 'reject', advice: null },
  ok: true,
};

const ctx = () => world.as(owner);
const sql = <T>(query: string, params: unknown[] = []) => world.w().sql<T>(query, params);
const startJobs = async (campaignId: string) =>
  sql<{ start_after: Date; state: string }>(
    "select start_after, state from pgboss.job where name = 'campaigns.start' and data->>'campaignId' = ? order by created_on",
    [campaignId],
  );
const auditTypes = async (campaignId: string) =>
  (
    await sql<{ event_type: string }>('select event_type from audit_entry where target_id = ? order by seq', [
      campaignId,
    ])
  ).map((r) => r.event_type);

/** A mailbox row as connectMailbox leaves it (status, sealed password); no network in this file. */
async function mailbox(
  workspaceId: string,
  options: { status?: string; senderAuth?: SenderAuthReportDto | null; postalAddress?: string | null } = {},
): Promise<string> {
  const em = world.w().orm.em.fork();
  const id = randomUUID();
  const email = `news-${id.slice(0, 6)}@acme.test`;
  em.create(Mailbox, {
    id,
    workspace: workspaceId,
    email,
    status: options.status ?? 'connected',
    imapHost: 'mail.acme.test',
    imapPort: 993,
    imapSecurity: 'tls',
    smtpHost: 'mail.acme.test',
    smtpPort: 465,
    smtpSecurity: 'tls',
    username: email,
    password: world.w().services.keyring.encrypt('secret', passwordContext(id)),
    fromName: 'Acme',
    fromAddress: email,
    senderAuth: (options.senderAuth === undefined ? PASSING : options.senderAuth) as unknown as Record<
      string,
      unknown
    > | null,
    senderAuthCheckedAt: new Date(),
    postalAddress: options.postalAddress ?? null,
  });
  await em.flush();
  return id;
}

/** A list with `n` active subscribers (express consent for the first `express`). */
async function list(workspaceId: string, n: number, options: { casl?: boolean; express?: number } = {}) {
  const created = await createList(world.as(owner), workspaceId, {
    name: `List ${randomUUID().slice(0, 6)}`,
    doubleOptIn: false,
    requiresExpressConsent: options.casl ?? false,
  });
  const emails = EMAILS(n);
  for (const [i, email] of emails.entries())
    await subscribe(world.as(owner), workspaceId, {
      listId: created.id,
      contact: { email, name: `Person ${i}` },
      evidence: { method: 'api', express: i < (options.express ?? n) },
    });
  return { listId: created.id, emails };
}

/** A draft ready in every respect but the postal address. */
async function readyDraft(workspaceId = ws, overrides: Record<string, unknown> = {}) {
  const { listId } = await list(workspaceId, 3);
  return createCampaign(ctx(), workspaceId, {
    name: 'Launch',
    subject: 'Hello {{ contact.name | default: "there" }}',
    htmlBody: '<p>Hi {{ contact.name }}</p>',
    mailboxId: await mailbox(workspaceId),
    listId,
    ...overrides,
  });
}

beforeAll(async () => {
  boss = createQueueClient({
    databaseUrl: world.w().db.url,
    role: 'producer',
    logger: createLogger({ level: 'silent', name: 'campaigns-test' }),
  });
  await boss.start();
  await ensureQueues(boss, ALL_QUEUES);
  world.w().services.queue = boss;
  ({ workspaceId: ws, userId: owner } = await world.workspace());
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
});

describe('drafts', () => {
  it('are created, changed, listed newest first, duplicated and deleted; each change audited', async () => {
    const { listId } = await list(ws, 1);
    const draft = await createCampaign(ctx(), ws, {
      name: 'Spring',
      subject: 'Spring news',
      htmlBody: '<h1>Spring</h1><p>Flowers</p>',
      listId,
    });
    expect(draft).toMatchObject({ status: 'draft', listId, mailboxId: null, textBodyCustom: false });
    expect(draft.textBody).toBe('Spring\n\nFlowers');
    const changed = await updateCampaign(ctx(), ws, draft.id, {
      htmlBody: '<p>Summer</p>',
      preheader: 'Soon',
    });
    expect(changed).toMatchObject({ textBody: 'Summer', preheader: 'Soon' });
    const custom = await updateCampaign(ctx(), ws, draft.id, {
      textBodyCustom: true,
      textBody: 'Plain {{ contact.email }}',
    });
    expect(custom.textBody).toBe('Plain {{ contact.email }}');
    world.w().clock.advance(1000);
    const copy = await duplicateCampaign(ctx(), ws, draft.id);
    expect(copy).toMatchObject({
      name: 'Copy of Spring',
      status: 'draft',
      textBody: 'Plain {{ contact.email }}',
      listId,
    });
    const page1 = await listCampaigns(ctx(), ws, { limit: 1 });
    expect(page1.campaigns.map((c) => c.id)).toEqual([copy.id]);
    const page2 = await listCampaigns(ctx(), ws, { limit: 1, cursor: page1.nextCursor as string });
    expect(page2.campaigns[0]?.id).toBe(draft.id);
    await deleteCampaign(ctx(), ws, copy.id);
    expect((await domainErrorOf(getCampaign(ctx(), ws, copy.id))).code).toBe('NOT_FOUND');
    expect(await auditTypes(draft.id)).toEqual(['campaign.created', 'campaign.updated', 'campaign.updated']);
    expect(await auditTypes(copy.id)).toEqual(['campaign.duplicated', 'campaign.deleted']);
  });

  it('refuse a broken merge field, and a sender or list of another workspace', async () => {
    const broken = await domainErrorOf(
      createCampaign(ctx(), ws, { name: 'x', htmlBody: '<p>ok</p>\n<p>{{ contact.name | nope }}</p>' }),
    );
    expect(broken.message).toMatch(/^htmlBody: merge field error in the HTML body, line 2: unknown filter/);
    const other = await world.workspace();
    const foreignMailbox = await mailbox(other.workspaceId);
    const foreignList = (await list(other.workspaceId, 0)).listId;
    expect(
      (await domainErrorOf(createCampaign(ctx(), ws, { name: 'x', mailboxId: foreignMailbox }))).message,
    ).toBe('mailboxId: no such mailbox in this workspace');
    expect((await domainErrorOf(createCampaign(ctx(), ws, { name: 'x', listId: foreignList }))).message).toBe(
      'listId: no such list in this workspace',
    );
  });

  it('of another workspace are not found, for reading and for every change', async () => {
    const draft = await createCampaign(ctx(), ws, { name: 'Mine' });
    const other = await world.workspace();
    const theirs = world.as(other.userId);
    for (const attempt of [
      () => getCampaign(theirs, other.workspaceId, draft.id),
      () => updateCampaign(theirs, other.workspaceId, draft.id, { name: 'stolen' }),
      () => deleteCampaign(theirs, other.workspaceId, draft.id),
      () => scheduleCampaign(theirs, other.workspaceId, draft.id, {}),
      () => cancelCampaign(theirs, other.workspaceId, draft.id),
      () => previewCampaign(theirs, other.workspaceId, draft.id, {}),
      () => campaignMetrics(theirs, other.workspaceId, draft.id, {}),
    ])
      expect((await domainErrorOf(attempt())).code).toBe('NOT_FOUND');
    expect((await getCampaign(ctx(), ws, draft.id)).name).toBe('Mine');
  });
});

describe('scheduling', () => {
  it('is refused without a postal address, and nothing is queued or changed (acceptance test)', async () => {
    const fresh = await world.workspace();
    const draft = await readyDraft(fresh.workspaceId);
    const error = await domainErrorOf(scheduleCampaign(world.as(owner), fresh.workspaceId, draft.id, {}));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/^The campaign cannot be scheduled yet: Set a postal address/);
    expect(error.message).toContain('CAN-SPAM');
    expect(error.details).toMatchObject({ reason: 'checklist', item: 'postal_address' });
    expect((await getCampaign(ctx(), fresh.workspaceId, draft.id)).status).toBe('draft');
    expect(await startJobs(draft.id)).toEqual([]);
    // Set on the workspace, it schedules.
    await updateCampaignSettings(world.as(owner), fresh.workspaceId, {
      postalAddress: '1 Main St, Springfield',
    });
    expect((await scheduleCampaign(world.as(owner), fresh.workspaceId, draft.id, {})).status).toBe(
      'scheduled',
    );
  });

  it("accepts the sender's own postal address instead of the workspace's", async () => {
    const fresh = await world.workspace();
    const { listId } = await list(fresh.workspaceId, 2);
    const mailboxId = await mailbox(fresh.workspaceId, { postalAddress: 'PO Box 7, Berlin' });
    const draft = await createCampaign(ctx(), fresh.workspaceId, {
      name: 'x',
      subject: 's',
      htmlBody: '<p>b</p>',
      listId,
      mailboxId,
    });
    const preview = await previewCampaign(ctx(), fresh.workspaceId, draft.id, {});
    expect(preview.text).toContain('PO Box 7, Berlin');
    expect((await getCampaignSettings(ctx(), fresh.workspaceId)).senders).toEqual([
      expect.objectContaining({ mailboxId, postalAddress: 'PO Box 7, Berlin' }),
    ]);
    expect((await scheduleCampaign(ctx(), fresh.workspaceId, draft.id, {})).status).toBe('scheduled');
  });

  it('is refused with a sender that cannot send, without a list, subject or body', async () => {
    await updateCampaignSettings(ctx(), ws, { postalAddress: 'Acme, 1 Main St' });
    const failing = await readyDraft(ws, { mailboxId: await mailbox(ws, { status: 'failing' }) });
    const error = await domainErrorOf(scheduleCampaign(ctx(), ws, failing.id, {}));
    expect(error.message).toMatch(/cannot send now \(failing\)/);
    expect(error.details).toMatchObject({ item: 'sender' });
    const empty = await createCampaign(ctx(), ws, { name: 'empty' });
    const emptyError = await domainErrorOf(scheduleCampaign(ctx(), ws, empty.id, {}));
    expect(emptyError.message).toContain('Write a subject and a body.');
    expect(emptyError.message).toContain('Choose the mailbox');
    expect(emptyError.message).toContain('Choose the list');
    expect(await startJobs(failing.id)).toEqual([]);
  });

  it('needs failing sender authentication acknowledged', async () => {
    const report = { ...PASSING, dmarc: { ...PASSING.dmarc, status: 'missing' as const }, ok: false };
    const draft = await readyDraft(ws, { mailboxId: await mailbox(ws, { senderAuth: report }) });
    const checklist = await campaignChecklist(ctx(), ws, draft.id);
    expect(checklist.items.find((i) => i.id === 'sender_auth')).toMatchObject({ status: 'warning' });
    expect(checklist.ready).toBe(true);
    const error = await domainErrorOf(scheduleCampaign(ctx(), ws, draft.id, {}));
    expect(error.details).toMatchObject({ reason: 'warnings', item: 'sender_auth' });
    expect(error.message).toContain('DMARC (missing)');
    const scheduled = await scheduleCampaign(ctx(), ws, draft.id, { acknowledgeWarnings: true });
    expect(scheduled.status).toBe('scheduled');
  });

  it('queues campaigns.start for the instant a wall-clock time names in the time zone, on the same transaction', async () => {
    const draft = await readyDraft();
    // The test clock is 2026-06-01T12:00Z; 09:00 in Berlin the next day is 07:00Z (summer time).
    const scheduled = await scheduleCampaign(ctx(), ws, draft.id, {
      at: '2026-06-02T09:00',
      timeZone: 'Europe/Berlin',
    });
    expect(scheduled).toMatchObject({
      status: 'scheduled',
      scheduledAt: '2026-06-02T07:00:00.000Z',
      timeZone: 'Europe/Berlin',
    });
    const jobs = await startJobs(draft.id);
    expect(jobs).toHaveLength(1);
    expect(new Date(jobs[0]?.start_after as Date).toISOString()).toBe('2026-06-02T07:00:00.000Z');
    const badZone = await readyDraft();
    expect(
      (await domainErrorOf(scheduleCampaign(ctx(), ws, badZone.id, { timeZone: 'Moon/Base' }))).message,
    ).toMatch(/^timeZone: /);
    expect((await getCampaign(ctx(), ws, badZone.id)).status).toBe('draft');
  });
});

describe('the state machine', () => {
  it('pause, resume, cancel; audited; campaign.paused emitted; illegal moves refused', async () => {
    const draft = await readyDraft();
    expect((await domainErrorOf(pauseCampaign(ctx(), ws, draft.id))).message).toBe(
      'A draft campaign cannot be paused (only scheduled or sending ones can).',
    );
    expect((await domainErrorOf(resumeCampaign(ctx(), ws, draft.id))).code).toBe('CONFLICT');
    await scheduleCampaign(ctx(), ws, draft.id, {});
    expect((await domainErrorOf(updateCampaign(ctx(), ws, draft.id, { name: 'late' }))).message).toMatch(
      /^Only a draft can be changed: this campaign is scheduled/,
    );
    expect((await domainErrorOf(deleteCampaign(ctx(), ws, draft.id))).code).toBe('CONFLICT');
    expect((await domainErrorOf(scheduleCampaign(ctx(), ws, draft.id, {}))).code).toBe('CONFLICT');
    expect((await pauseCampaign(ctx(), ws, draft.id)).status).toBe('paused');
    const events = await sql<{ type: string; payload: Record<string, unknown> }>(
      "select type, payload from outbox_event where workspace_id = ? and type = 'campaign.paused'",
      [ws],
    );
    expect(events.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ campaign_id: draft.id, status: 'paused', name: 'Launch' }),
    );
    // Not started yet: resuming schedules it again (a second start job).
    expect((await resumeCampaign(ctx(), ws, draft.id)).status).toBe('scheduled');
    expect(await startJobs(draft.id)).toHaveLength(2);
    await pauseCampaign(ctx(), ws, draft.id);
    // It had started (the engine set started_at): resuming goes back to sending.
    await sql('update campaign set started_at = now() where id = ?', [draft.id]);
    expect((await resumeCampaign(ctx(), ws, draft.id)).status).toBe('sending');
    const cancelled = await cancelCampaign(ctx(), ws, draft.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.completedAt).not.toBeNull();
    for (const attempt of [
      () => pauseCampaign(ctx(), ws, draft.id),
      () => resumeCampaign(ctx(), ws, draft.id),
      () => cancelCampaign(ctx(), ws, draft.id),
      () => scheduleCampaign(ctx(), ws, draft.id, {}),
    ])
      expect((await domainErrorOf(attempt())).details).toEqual({ status: 'cancelled' });
    expect(await auditTypes(draft.id)).toEqual([
      'campaign.created',
      'campaign.scheduled',
      'campaign.paused',
      'campaign.resumed',
      'campaign.paused',
      'campaign.resumed',
      'campaign.cancelled',
    ]);
    // A cancelled campaign can be duplicated into a new draft.
    expect((await duplicateCampaign(ctx(), ws, draft.id)).status).toBe('draft');
  });

  it('a sent campaign cannot be paused or cancelled', async () => {
    const draft = await readyDraft();
    await sql("update campaign set status = 'sent', completed_at = now() where id = ?", [draft.id]);
    expect((await domainErrorOf(pauseCampaign(ctx(), ws, draft.id))).details).toEqual({ status: 'sent' });
    expect((await domainErrorOf(cancelCampaign(ctx(), ws, draft.id))).details).toEqual({ status: 'sent' });
  });
});

describe('the checklist', () => {
  it('counts subscribers, the suppressed, CASL skips and those to verify', async () => {
    const fresh = await world.workspace();
    const { listId, emails } = await list(fresh.workspaceId, 5, { casl: true, express: 3 });
    await addSuppressions(world.as(fresh.userId), fresh.workspaceId, { emails: [emails[0] as string] });
    await sql("update contact set verified_at = ?, verification = 'deliverable' where email = ?", [
      world.w().clock.now(),
      emails[1],
    ]);
    const draft = await createCampaign(world.as(fresh.userId), fresh.workspaceId, { name: 'c', listId });
    const checklist = await campaignChecklist(world.as(fresh.userId), fresh.workspaceId, draft.id);
    // 5 active; #0 suppressed; #3 and #4 without express consent; #1 verified just now.
    expect(checklist.audience).toEqual({
      subscribers: 5,
      suppressed: 1,
      noConsent: 2,
      needsVerification: 1,
      sendable: 2,
    });
    expect(checklist.items.map((i) => [i.id, i.status])).toEqual([
      ['postal_address', 'error'],
      ['content', 'error'],
      ['sender', 'error'],
      ['sender_auth', 'warning'],
      ['list', 'ok'],
      ['consent', 'ok'],
      ['verification', 'ok'],
    ]);
    expect(checklist.ready).toBe(false);
  });
});

describe('metrics', () => {
  it('count recipients by state and sends per hour or per day in the time zone asked', async () => {
    const { listId } = await list(ws, 4);
    const draft = await createCampaign(ctx(), ws, { name: 'm', listId });
    const contacts = await sql<{ contact_id: string }>(
      'select contact_id from subscription where list_id = ? order by created_at',
      [listId],
    );
    const sentAt = ['2026-06-01T21:10:00Z', '2026-06-01T21:50:00Z', '2026-06-01T23:30:00Z', null];
    for (const [i, row] of contacts.entries())
      await sql(
        `insert into campaign_recipient (id, campaign_id, workspace_id, contact_id, status, sent_at)
         values (?, ?, ?, ?, ?, ?)`,
        [randomUUID(), draft.id, ws, row.contact_id, sentAt[i] ? 'sent' : 'pending', sentAt[i]],
      );
    const hourly = await campaignMetrics(ctx(), ws, draft.id, { bucket: 'hour' });
    expect(hourly.recipients).toMatchObject({ sent: 3, pending: 1, failed: 0 });
    expect(hourly.series).toEqual([
      { at: '2026-06-01T21:00:00.000Z', sent: 2 },
      { at: '2026-06-01T23:00:00.000Z', sent: 1 },
    ]);
    // In UTC all three fall on 1 June; in Berlin (UTC+2) the last is already 2 June.
    expect((await campaignMetrics(ctx(), ws, draft.id, { bucket: 'day' })).series).toEqual([
      { at: '2026-06-01T00:00:00.000Z', sent: 3 },
    ]);
    expect(
      (await campaignMetrics(ctx(), ws, draft.id, { bucket: 'day', timeZone: 'Europe/Berlin' })).series,
    ).toEqual([
      { at: '2026-05-31T22:00:00.000Z', sent: 2 },
      { at: '2026-06-01T22:00:00.000Z', sent: 1 },
    ]);
  });
});

describe('retention', () => {
  it('deletes campaigns that ended more than 2 years ago with their recipients; keeps the rest', async () => {
    const { listId } = await list(ws, 1);
    const [contact] = await sql<{ contact_id: string }>(
      'select contact_id from subscription where list_id = ?',
      [listId],
    );
    const old = await createCampaign(ctx(), ws, { name: 'old', listId });
    const recent = await createCampaign(ctx(), ws, { name: 'recent', listId });
    const oldDraft = await createCampaign(ctx(), ws, { name: 'draft' });
    const now = world.w().clock.now();
    const longAgo = new Date(now.getTime() - 731 * 86_400_000);
    await sql("update campaign set status = 'sent', completed_at = ? where id = ?", [longAgo, old.id]);
    await sql("update campaign set status = 'sent', completed_at = ? where id = ?", [now, recent.id]);
    await sql('update campaign set created_at = ? where id = ?', [longAgo, oldDraft.id]);
    await sql(
      "insert into campaign_recipient (id, campaign_id, workspace_id, contact_id, status) values (?, ?, ?, ?, 'sent')",
      [randomUUID(), old.id, ws, contact?.contact_id],
    );
    expect(await purgeEndedCampaigns(world.w().orm.em.fork(), now)).toBe(1);
    const left = await sql<{ id: string }>('select id from campaign where id in (?, ?, ?)', [
      old.id,
      recent.id,
      oldDraft.id,
    ]);
    expect(left.map((r) => r.id).sort()).toEqual([recent.id, oldDraft.id].sort());
    expect(await sql('select 1 from campaign_recipient where campaign_id = ?', [old.id])).toEqual([]);
  });
});

describe('resuming', () => {
  it('is refused while the sender cannot send or the postal address is gone, then allowed', async () => {
    const fresh = await world.workspace();
    const as = world.as(fresh.userId);
    await updateCampaignSettings(as, fresh.workspaceId, { postalAddress: 'Somewhere 1' });
    const { listId } = await list(fresh.workspaceId, 1);
    const mailboxId = await mailbox(fresh.workspaceId);
    const draft = await createCampaign(as, fresh.workspaceId, {
      name: 'r',
      subject: 's',
      htmlBody: '<p>b</p>',
      listId,
      mailboxId,
    });
    await scheduleCampaign(as, fresh.workspaceId, draft.id, {});
    // The engine paused it: the sender's credentials failed.
    await sql("update campaign set status = 'paused', failure_reason = 'credentials refused' where id = ?", [
      draft.id,
    ]);
    await sql("update mailbox set status = 'failing' where id = ?", [mailboxId]);
    await updateCampaignSettings(as, fresh.workspaceId, { postalAddress: null });
    const refused = await domainErrorOf(resumeCampaign(as, fresh.workspaceId, draft.id));
    expect(refused.message).toMatch(/^The campaign cannot be resumed yet: Set a postal address/);
    expect(refused.details).toMatchObject({ reason: 'checklist', item: 'postal_address' });
    const items = (refused.details?.checklist ?? []) as { id: string }[];
    expect(items.map((i) => i.id)).toEqual(['postal_address', 'sender']);
    await updateCampaignSettings(as, fresh.workspaceId, { postalAddress: 'Somewhere 1' });
    await sql("update mailbox set status = 'connected' where id = ?", [mailboxId]);
    const resumed = await resumeCampaign(as, fresh.workspaceId, draft.id);
    expect(resumed).toMatchObject({ status: 'scheduled', failureReason: null });
  });
});
