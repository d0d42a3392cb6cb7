// Campaign sending tests' world (core, worker, API, bench): a real SMTP sink (smtp-server over implicit
// TLS on 127.0.0.1, a certificate from a throwaway CA) that records every message by recipient, can
// hold a DATA reply (a slow server, or one a worker dies talking to) and can answer chosen recipients
// with 4xx/5xx; and set-based SQL seeding of a workspace, a password mailbox pointing at the sink, a
// list of N contacts subscribed, and a scheduled campaign. `env` is what loadConfig needs to reach it.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestCertificates, type TestCertificates } from '@postern/mailer/testing';
import { SMTPServer } from 'smtp-server';
import { htmlToText } from '../../src/campaigns/render.ts';

export interface SinkMessage {
  to: string;
  raw: string;
  at: number;
}

export interface CampaignSink {
  port: number;
  messages: SinkMessage[];
  /** Messages received per recipient address. */
  count(address: string): number;
  /** Recipients that received more than one message. */
  duplicates(): string[];
  /** Milliseconds each DATA reply waits (a slow server); 0 by default. */
  delayMs: number;
  /** When set, the next DATA is held (recorded, no reply) until `release()`; resolves when one is held. */
  holdNext(): Promise<SinkMessage>;
  release(): void;
  /** Addresses whose message is recorded and then the connection dropped without a reply to the final
   * "." (a server or network failing after DATA: the message may count as delivered). */
  dropAfterData: Set<string>;
  /** A reply for RCPT TO of an address (e.g. { code: 451 } once, { code: 550 } always), or null to accept. */
  rcptReply: (address: string) => { code: number; message: string } | null;
  env: Record<string, string>;
  certs: TestCertificates;
  close(): Promise<void>;
}

export const SINK_USER = 'sender@campaigns.test';
export const SINK_PASSWORD = `pw-${randomUUID()}`;

/** `keepRaw: false` (benchmarks): messages are counted and timed, their bytes dropped. */
export async function startCampaignSink(options: { keepRaw?: boolean } = {}): Promise<CampaignSink> {
  const certs = createTestCertificates({ hosts: ['127.0.0.1'] });
  const dir = mkdtempSync(path.join(tmpdir(), 'postern-campaign-sink-'));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, certs.ca);
  const messages: SinkMessage[] = [];
  const counts = new Map<string, number>();
  let holding: { resolve: (m: SinkMessage) => void } | null = null;
  const held: (() => void)[] = [];
  const sink: CampaignSink = {
    port: 0,
    messages,
    count: (a) => counts.get(a.toLowerCase()) ?? 0,
    duplicates: () => [...counts].filter(([, n]) => n > 1).map(([a]) => a),
    delayMs: 0,
    holdNext: () =>
      new Promise((resolve) => {
        holding = { resolve };
      }),
    release() {
      for (const go of held.splice(0)) go();
    },
    rcptReply: () => null,
    dropAfterData: new Set(),
    env: {},
    certs,
    close: async () => {},
  };
  const server = new SMTPServer({
    secure: true,
    key: certs.key,
    cert: certs.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    closeTimeout: 200,
    size: 2 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (auth.username === SINK_USER && auth.password === SINK_PASSWORD)
        return callback(null, { user: SINK_USER });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const reply = sink.rcptReply(address.address.toLowerCase());
      if (reply) return callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (options.keepRaw !== false) chunks.push(chunk);
      });
      stream.on('end', () => {
        const raw = options.keepRaw === false ? '' : Buffer.concat(chunks).toString('utf8');
        for (const rcpt of session.envelope.rcptTo) {
          const to = rcpt.address.toLowerCase();
          const message = { to, raw, at: Date.now() };
          messages.push(message);
          counts.set(to, (counts.get(to) ?? 0) + 1);
          if (sink.dropAfterData.delete(to)) {
            for (const socket of sockets) socket.destroy();
            return;
          }
          if (holding) {
            const h = holding;
            holding = null;
            held.push(() => callback());
            h.resolve(message);
            return;
          }
        }
        if (sink.delayMs > 0) setTimeout(() => callback(), sink.delayMs);
        else callback();
      });
    },
  });
  server.on('error', () => {});
  const sockets = new Set<import('node:net').Socket>();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  server.server.on('secureConnection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  sink.port = (server.server.address() as AddressInfo).port;
  sink.env = {
    MAILBOX_TLS_CA_FILE: caFile,
    MAILBOX_ALLOWED_HOSTS: '127.0.0.1',
    MAILBOX_CONNECT_TIMEOUT_MS: '5000',
    PUBLIC_URL: 'https://postern.test',
  };
  sink.close = async () => {
    sink.release();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    certs.dispose();
    rmSync(dir, { recursive: true, force: true });
  };
  return sink;
}

/** Unfolded header lines of a raw message (name lower-cased → value). */
export function headersOf(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const out = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

type Sql = (query: string, params?: unknown[]) => Promise<unknown[]>;

export interface SeedOptions {
  contacts: number;
  /** Contacts (by index) whose subscription has no express consent, on a CASL list. */
  casl?: boolean;
  noExpress?: (i: number) => boolean;
  /** Contacts (by index) left unverified (verified_at null): the start job verifies them. */
  unverified?: (i: number) => boolean;
  email?: (i: number) => string;
  port: number;
  /** Seals the mailbox password (keyring.encrypt with passwordContext(mailboxId)). */
  seal: (password: string, mailboxId: string) => string;
  dailyCap?: number;
  html?: string;
}

export interface Seeded {
  workspaceId: string;
  mailboxId: string;
  listId: string;
  campaignId: string;
  emails: string[];
  contactIds: string[];
}

/** Inserts everything a campaign needs, set-based (100,000 contacts in a few seconds). */
export async function seedCampaign(sql: Sql, o: SeedOptions): Promise<Seeded> {
  const workspaceId = randomUUID();
  const mailboxId = randomUUID();
  const listId = randomUUID();
  const campaignId = randomUUID();
  const tag = randomUUID().slice(0, 8);
  const email = o.email ?? ((i: number) => `r${i}.${tag}@example.com`);
  await sql(
    `insert into workspace (id, name, plan, created_at, updated_at, postal_address) values (?, ?, 'starter', now(), now(), ?)`,
    [workspaceId, `Campaign ${tag}`, 'Postern Test Ltd\n1 Test Street\nTestville'],
  );
  await sql(
    `insert into mailbox (id, workspace_id, email, provider, status, imap_host, imap_port, imap_security, smtp_host,
        smtp_port, smtp_security, username, password, from_name, from_address, daily_cap, created_at, updated_at)
     values (?, ?, ?, 'imap', 'connected', '127.0.0.1', 993, 'tls', '127.0.0.1', ?, 'tls', ?, ?, 'Test Sender', ?, ?, now(), now())`,
    [
      mailboxId,
      workspaceId,
      SINK_USER,
      o.port,
      SINK_USER,
      o.seal(SINK_PASSWORD, mailboxId),
      SINK_USER,
      o.dailyCap ?? 1_000_000,
    ],
  );
  await sql(
    `insert into contact_list (id, workspace_id, name, double_opt_in, requires_express_consent, created_at, updated_at)
     values (?, ?, 'Weekly News', false, ?, now(), now())`,
    [listId, workspaceId, Boolean(o.casl)],
  );
  const rows = Array.from({ length: o.contacts }, (_, i) => ({
    id: randomUUID(),
    email: email(i),
    express: !(o.noExpress?.(i) ?? false),
    verified: !(o.unverified?.(i) ?? false),
    name: `Person ${i}`,
  }));
  for (let i = 0; i < rows.length; i += 20_000) {
    const page = JSON.stringify(rows.slice(i, i + 20_000));
    await sql(
      `insert into contact (id, workspace_id, email, email_normalized, name, attributes, created_at, updated_at, verified_at, verification)
       select r.id, ?, r.email, lower(r.email), r.name, '{"plan":"pro"}'::jsonb, now(), now(),
              case when r.verified then now() end, case when r.verified then 'deliverable' end
         from jsonb_to_recordset(?::jsonb) as r(id uuid, email text, name text, verified boolean)`,
      [workspaceId, page],
    );
    await sql(
      `insert into subscription (id, workspace_id, contact_id, list_id, status, express, confirmed_at, created_at, updated_at)
       select gen_random_uuid(), ?, r.id, ?, 'active', r.express, now(), now(), now()
         from jsonb_to_recordset(?::jsonb) as r(id uuid, express boolean)`,
      [workspaceId, listId, page],
    );
  }
  const html =
    o.html ??
    '<html><body><h1>Hello {{ contact.name }}</h1><p>Your plan: {{ contact.attributes.plan }}</p></body></html>';
  // The text body as the campaign editor stores it: generated from the HTML template (campaigns.ts).
  await sql(
    `insert into campaign (id, workspace_id, name, subject, mailbox_id, list_id, html_body, text_body, text_body_custom,
        status, verify_max_age_days, created_at, updated_at)
     values (?, ?, 'November news', 'News for {{ contact.name | default: "there" }}', ?, ?, ?, ?, false, 'scheduled', 90, now(), now())`,
    [campaignId, workspaceId, mailboxId, listId, html, htmlToText(html)],
  );
  return {
    workspaceId,
    mailboxId,
    listId,
    campaignId,
    emails: rows.map((r) => r.email.toLowerCase()),
    contactIds: rows.map((r) => r.id),
  };
}
