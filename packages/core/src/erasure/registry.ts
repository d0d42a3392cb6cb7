// The erasure registry (#28): every table of the migrated database — pg-boss's schema and the
// migrations table included — in one place, classified as
// - `erase`: rows (or columns) that belong to a person or a workspace and go when it is erased; the
//   account erasure job (erase.ts) is driven from these rules, so a table added here is erased too;
// - `keep`: personal data kept for a stated reason, until a stated retention;
// - `none`: no personal data (with why).
// packages/core/test/erasure-registry.int.test.ts lists the database catalog and fails on any table
// missing here, and on any rule naming a table or column that does not exist; it also checks the
// retention table of docs/data-lifecycle.md against `retentionRows()`.

/** Whose data a rule erases: an account (by its id or its email address) or a workspace (by its id). */
export type ErasureOwner = 'user' | 'workspace';

/**
 * One erasure rule: the rows of `table` whose `column` holds the owner's id (or its email, `match:
 * 'email'`), or — with `via` — whose `column` points at a row of `via.table` whose `via.column` does.
 */
export interface ErasureRule {
  owner: ErasureOwner;
  column: string;
  match?: 'id' | 'email';
  via?: { table: string; key: string; column: string };
  /** `delete` the rows, or set the listed (nullable) columns to null and keep the rows. */
  how: 'delete' | { nullify: string[] };
}

export type TableClass =
  | { class: 'erase'; rules: ErasureRule[]; what: string }
  | { class: 'keep'; why: string; retention: string; what: string; rules?: ErasureRule[] }
  | { class: 'none'; why: string };

const byUser = (column: string, how: ErasureRule['how'] = 'delete'): ErasureRule => ({
  owner: 'user',
  column,
  how,
});
const byWorkspace = (column = 'workspace_id'): ErasureRule => ({ owner: 'workspace', column, how: 'delete' });
const nullUser = (column: string): ErasureRule => byUser(column, { nullify: [column] });
const viaJob = (): ErasureRule => ({
  owner: 'workspace',
  column: 'job_id',
  via: { table: 'bulk_job', key: 'id', column: 'workspace_id' },
  how: 'delete',
});

/**
 * Keyed by `schema.table`. The order of the erasable entries is the order the erasure runs in:
 * dependent rows before the rows they point at.
 */
export const ERASURE_REGISTRY: Record<string, TableClass> = {
  // --- accounts and their security data
  'public.auth_refresh_token': {
    class: 'erase',
    what: 'refresh tokens (keyed hashes)',
    rules: [
      {
        owner: 'user',
        column: 'session_id',
        via: { table: 'auth_session', key: 'id', column: 'user_id' },
        how: 'delete',
      },
    ],
  },
  'public.auth_session': {
    class: 'erase',
    what: 'sessions: IP, user agent, location',
    rules: [byUser('user_id')],
  },
  'public.auth_recovery_code': {
    class: 'erase',
    what: 'recovery codes (hashes)',
    rules: [byUser('user_id')],
  },
  'public.auth_email_token': {
    class: 'erase',
    what: 'email-link tokens (hashes)',
    rules: [byUser('user_id')],
  },
  'public.auth_two_factor_challenge': {
    class: 'erase',
    what: 'sign-in challenges: IP, user agent',
    rules: [byUser('user_id')],
  },
  'public.notification': {
    class: 'erase',
    what: 'dashboard notifications',
    rules: [byUser('user_id'), byWorkspace()],
  },
  // --- workspace data (erased with the workspace; the person's id nulled where the workspace stays)
  'public.bulk_job_chunk': {
    class: 'erase',
    what: 'bulk addresses and results (encrypted)',
    rules: [viaJob()],
  },
  'public.bulk_job_rows': { class: 'erase', what: 'bulk file rows (encrypted)', rules: [viaJob()] },
  'public.bulk_job': {
    class: 'erase',
    what: 'bulk jobs: name, metadata, creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  'public.bulk_upload': { class: 'erase', what: 'uploads in progress', rules: [byWorkspace()] },
  'public.webhook_attempt': {
    class: 'erase',
    what: 'webhook attempts: response snippets',
    rules: [byWorkspace()],
  },
  'public.webhook_delivery': { class: 'erase', what: 'webhook payloads', rules: [byWorkspace()] },
  'public.webhook_endpoint': {
    class: 'erase',
    what: 'webhook URLs and secrets (encrypted), creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  'public.mailbox_alias_verification': {
    class: 'erase',
    what: 'alias proofs: alias address, code (keyed hash), creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  'public.mailbox_oauth_state': {
    class: 'erase',
    what: 'pending OAuth sign-ins (10 minutes): state hash, PKCE verifier (encrypted), member',
    rules: [byWorkspace(), byUser('user_id')],
  },
  'public.mailbox': {
    class: 'erase',
    what: 'connected mailboxes: address, endpoints, username, password or OAuth tokens (encrypted), identity, creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  'public.outbox_event': { class: 'erase', what: 'event payloads (ids and counts)', rules: [byWorkspace()] },
  'public.api_key_alert': { class: 'erase', what: 'key alerts: details', rules: [byWorkspace()] },
  'public.api_key_usage': { class: 'erase', what: 'daily key usage counts', rules: [byWorkspace()] },
  'public.api_key': {
    class: 'erase',
    what: 'API keys (hashes), names, creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  'public.validation_policy': {
    class: 'erase',
    what: 'validation rules, who saved them',
    rules: [byWorkspace(), nullUser('updated_by')],
  },
  // Campaigns (#31): recipients before their campaigns, both before the contacts and lists they name.
  'public.campaign_recipient': {
    class: 'erase',
    what: 'campaign recipients: contact id, delivery state and times, last error (the address is read from the contact)',
    rules: [byWorkspace()],
  },
  'public.campaign': {
    class: 'erase',
    what: 'campaigns: content, sender, list, schedule, counters, creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  // Contact imports (#30): staged rows and report rows before their import, all before contacts and lists.
  'public.contact_import_chunk': {
    class: 'erase',
    what: 'staged rows of an import being processed (addresses, names, attributes; keyring-encrypted)',
    rules: [
      {
        owner: 'workspace',
        column: 'import_id',
        via: { table: 'contact_import', key: 'id', column: 'workspace_id' },
        how: 'delete',
      },
    ],
  },
  'public.contact_import_report': {
    class: 'erase',
    what: 'rows of an import that were not subscribed: row number, address as uploaded, reason (also deleted with the contact they name, and 30 days after the import ended)',
    rules: [
      {
        owner: 'workspace',
        column: 'import_id',
        via: { table: 'contact_import', key: 'id', column: 'workspace_id' },
        how: 'delete',
      },
    ],
  },
  'public.contact_import': {
    class: 'erase',
    what: 'contact imports: list, declared basis, file name, column mapping, counts, creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  // Audiences (#29): subscriptions before the contacts and lists they point at.
  'public.opt_in_token': {
    class: 'erase',
    what: 'double opt-in links (#30): keyed hash of the token, contact, list, expiry, when used',
    rules: [byWorkspace()],
  },
  'public.subscription': {
    class: 'erase',
    what: 'subscriptions of contacts to lists: status, times',
    rules: [byWorkspace()],
  },
  'public.contact': {
    class: 'erase',
    what: 'contacts: address, name, custom attributes',
    rules: [byWorkspace()],
  },
  'public.contact_list': {
    class: 'erase',
    what: 'lists: names, texts, creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  'public.consent_text_version': {
    class: 'erase',
    what: 'consent texts shown at sign-up, creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  'public.suppression': {
    class: 'erase',
    what: 'suppressed addresses (keyed hash, sealed address), reason, source, creator',
    rules: [byWorkspace(), nullUser('created_by')],
  },
  'public.workspace_invitation': {
    class: 'erase',
    what: 'invitations: invitee address, inviter',
    rules: [
      byWorkspace(),
      { owner: 'user', column: 'email', match: 'email', how: 'delete' },
      byUser('invited_by'),
    ],
  },
  'public.workspace_member': {
    class: 'erase',
    what: 'memberships',
    rules: [byWorkspace(), byUser('user_id')],
  },
  'public.workspace': {
    class: 'erase',
    what: 'workspaces: name (by default derived from the address)',
    rules: [byWorkspace('id'), nullUser('deletion_requested_by')],
  },
  'public.subject_key': {
    class: 'erase',
    what: "per-person keys (sealed with the keyring) that seal a person's data in audit entries and consent records; deleting one makes that data unreadable",
    rules: [byUser('subject_id'), byWorkspace('workspace_id')],
  },
  'public.app_user': {
    class: 'erase',
    what: 'accounts: address, password hash, TOTP secret (encrypted)',
    rules: [byUser('id')],
  },
  // --- kept with a reason
  'public.audit_entry': {
    class: 'keep',
    what: "audit entries: actor id; since chain version 2 the IP, user agent and personal metadata only sealed under the person's key (subject_key), which the erasure destroys; version-1 entries hold them in clear",
    why: 'GDPR Art. 17(3)(b) and (e): the security record of what was done with the account (legal obligations, establishing and defending legal claims); append-only, refused any change by the database; after the erasure its version-2 entries no longer identify the person and their chains still verify',
    retention: 'until the audit purge (AUDIT_RETENTION_DAYS, 1 year by default, at least 90 days)',
  },
  'public.consent_event': {
    class: 'keep',
    what: "consent records: contact, list and actor ids, method, times; the address, IP addresses, user agents and the import's source sealed under the contact's own key",
    why: "GDPR Art. 7(1) and 17(3)(e): the controller must be able to demonstrate consent, and defend claims about it, after the person or the workspace is gone; append-only, refused any change by the database. Erasing a contact (or its workspace) destroys the contact's key: the rows keep proving what happened without identifying anyone. The actor id of an erased account stays as an id that no longer resolves",
    retention:
      "until the workspace's erasure + 3 years (purge not yet implemented: rows are kept, unreadable once the contact's key is destroyed)",
  },
  'pgboss.job': {
    class: 'keep',
    what: 'queued jobs: ids; queued system emails sealed with the keyring',
    why: 'the queue of work in flight; the emails are sealed (no address in clear) and the last one tells the person their account is gone',
    retention: 'pg-boss deletes completed jobs after its retention (7 days)',
  },
  // --- no personal data
  'public.audit_checkpoint': {
    class: 'none',
    why: 'scope, sequence number and hash of purged audit entries',
  },
  'public.audit_signed_head': {
    class: 'none',
    why: 'scope, sequence number, hash and signature of a chain head',
  },
  'public.suppression_key': {
    class: 'none',
    why: 'the suppression hash keys (random, sealed with the keyring): no data of a person',
  },
  'public.worker_heartbeat': { class: 'none', why: 'worker processes: host name, pid, version' },
  'public.mikro_orm_migrations': { class: 'none', why: 'names of the applied migrations' },
  'pgboss.version': { class: 'none', why: "pg-boss's schema version and maintenance times" },
  'pgboss.queue': { class: 'none', why: 'queue definitions and counters' },
  'pgboss.queue_stats': { class: 'none', why: 'queue counters over time' },
  'pgboss.schedule': { class: 'none', why: 'cron schedules of the worker (no payload of a person)' },
  'pgboss.subscription': { class: 'none', why: 'event-to-queue subscriptions' },
  'pgboss.bam': { class: 'none', why: "pg-boss's schema maintenance commands" },
  'pgboss.warning': { class: 'none', why: "pg-boss's queue warnings (queue names and counts)" },
  'pgboss.job_dependency': { class: 'none', why: 'links between job ids' },
};

export type RegistryEntry = [table: string, entry: TableClass];

/** The entries with rules for `owner`, in erasure order. */
export function erasureRules(owner: ErasureOwner): { table: string; rule: ErasureRule }[] {
  return Object.entries(ERASURE_REGISTRY).flatMap(([table, entry]) =>
    entry.class === 'none'
      ? []
      : (entry.rules ?? []).filter((rule) => rule.owner === owner).map((rule) => ({ table, rule })),
  );
}

/** The rows of docs/data-lifecycle.md's "personal data on erasure" table, generated from the registry. */
export function retentionRows(): string[] {
  return Object.entries(ERASURE_REGISTRY).map(([table, entry]) => {
    if (entry.class === 'none') return `| \`${table}\` | none | ${entry.why} |`;
    if (entry.class === 'keep')
      return `| \`${table}\` | kept: ${entry.what} | ${entry.retention}; ${entry.why} |`;
    const owners = [...new Set(entry.rules.map((rule) => rule.owner))].join(', ');
    return `| \`${table}\` | erased (${owners}): ${entry.what} | at the erasure, 30 days after the deletion request |`;
  });
}

/**
 * Keys of the key-value store (Redis) that can hold a person's data in clear, with why they need no
 * erasure; everything else there is keyed by hashes or ids and expires on its own.
 */
export const KV_REGISTRY: { prefix: string; why: string }[] = [
  {
    prefix: 'auth:ip:',
    why: 'sign-in attempts per IP address (of everyone, not of a person): expires 15 minutes after the last attempt, long before an erasure',
  },
  {
    prefix: 'auth:signup-ip:',
    why: 'sign-ups per IP address: expires 15 minutes after the last one, long before an erasure',
  },
];
