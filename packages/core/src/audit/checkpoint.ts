// Signed heads of the audit chains: what the database's writer cannot rewrite unnoticed.
//
// Every hour the worker signs `{scope, seq, hash, time}` of each chain that grew with an Ed25519 key
// from configuration (AUDIT_SIGNING_KEY; the database never sees it), and puts the result where the
// table's writer cannot reach it all at once: the KV store (Redis), the append-only
// `audit_signed_head` table, an `audit.checkpoint` webhook event (workspace chains) and, once a day,
// the owners' email digest. `verifyAuditChain` compares the chain with the newest signed head it can
// find (or one pasted back), so truncation and deletion of the newest entries are reported.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { type AuditCheckpoint, ZAuditCheckpoint } from '@postern/contracts';
import { type EntityManager, execute, Membership, User } from '@postern/db';
import { ConfigError, type KvStore, type Logger } from '@postern/runtime';
import type { CoreContext } from '../context.ts';
import { recordEvent } from '../events/outbox.ts';
import { escapeHtml } from '../html.ts';
import type { MailMessage } from '../system-mail/messages.ts';

const SETTING = 'AUDIT_SIGNING_KEY';
const DEV_KEY_INFO = 'postern audit signing key v1';
/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** How long the KV store keeps a head (renewed at every signature). */
const KV_TTL_SECONDS = 400 * 86_400;

export interface SignedHeadInput {
  scope: string;
  seq: number;
  hash: string;
  time: string;
}

/** The exact bytes that are signed: JSON with these four keys in this order. */
export function checkpointMessage(head: SignedHeadInput): Buffer {
  return Buffer.from(JSON.stringify({ scope: head.scope, seq: head.seq, hash: head.hash, time: head.time }));
}

export interface AuditVerifier {
  keyId: string;
  /** Raw 32-byte public key, base64url (what receivers pin). */
  publicKey: string;
  verify(checkpoint: AuditCheckpoint): boolean;
}

export interface AuditSigner extends AuditVerifier {
  sign(head: SignedHeadInput): AuditCheckpoint;
}

function signerFromPrivateKey(privateKey: KeyObject): AuditSigner {
  const publicKey = createPublicKey(privateKey);
  const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
  const keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return {
    keyId,
    publicKey: raw.toString('base64url'),
    sign(head) {
      const signature = sign(null, checkpointMessage(head), privateKey).toString('base64url');
      return { ...head, keyId, signature };
    },
    verify(checkpoint) {
      if (checkpoint.keyId !== keyId) return false;
      try {
        return verify(
          null,
          checkpointMessage(checkpoint),
          publicKey,
          Buffer.from(checkpoint.signature, 'base64url'),
        );
      } catch {
        return false;
      }
    },
  };
}

/** Parses AUDIT_SIGNING_KEY: base64 (or base64url) of a 32-byte seed or a PKCS#8 DER key. */
export function parseAuditSigningKey(value: string): KeyObject {
  const bytes = Buffer.from(value.trim(), 'base64');
  const der = bytes.length === 32 ? Buffer.concat([ED25519_PKCS8_PREFIX, bytes]) : bytes;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new ConfigError(SETTING, 'is not a base64 Ed25519 private key (32 raw bytes or PKCS#8 DER)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(SETTING, 'must be an Ed25519 key');
  return key;
}

/**
 * The signer from configuration: AUDIT_SIGNING_KEY, required in production; in development and tests
 * a key derived from POSTERN_SECRET (like the keyring's development key).
 */
export function auditSignerFromConfig(config: {
  auditSigningKey?: string | undefined;
  secret: string;
  env: string;
}): AuditSigner {
  if (config.auditSigningKey) return signerFromPrivateKey(parseAuditSigningKey(config.auditSigningKey));
  if (config.env === 'production') throw new ConfigError(SETTING, 'is required when NODE_ENV=production');
  const seed = Buffer.from(hkdfSync('sha256', config.secret, Buffer.alloc(0), DEV_KEY_INFO, 32));
  return signerFromPrivateKey(parseAuditSigningKey(seed.toString('base64')));
}

export const auditHeadKvKey = (scope: string) => `audit:head:${scope}`;

/** Reads a checkpoint from untrusted text (KV value, pasted JSON): undefined when malformed. */
export function parseCheckpoint(text: string | null | undefined): AuditCheckpoint | undefined {
  if (!text) return undefined;
  try {
    const parsed = ZAuditCheckpoint.safeParse(normaliseCheckpointJson(JSON.parse(text)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Accepts the webhook event's snake_case data (and a whole delivery body) as well as the camelCase form. */
function normaliseCheckpointJson(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record.data && typeof record.data === 'object' && record.type === 'audit.checkpoint')
    return normaliseCheckpointJson(record.data);
  return {
    scope: record.scope,
    seq: record.seq,
    hash: record.hash,
    time: record.time,
    keyId: record.keyId ?? record.key_id,
    signature: record.signature,
  };
}

interface HeadRow {
  scope: string;
  seq: string | number;
  hash: string;
  occurred_at: Date | string;
}

/**
 * What the checkpoint job works with: the core context's em and clock, its KV store (where the latest
 * head of each scope is kept outside PostgreSQL) and sendMail (the owners' digest; without it, none),
 * plus the signer of the heads.
 */
export type CheckpointDeps = Pick<CoreContext, 'em' | 'clock'> &
  Partial<Pick<CoreContext, 'kv' | 'sendMail'>> & {
    signer: AuditSigner;
    logger?: Logger | undefined;
  };

export interface CheckpointResult {
  signed: number;
  /** Scopes whose current head is behind (or differs from) their last signed head: not signed. */
  refused: string[];
  digests: number;
}

/**
 * The newest signed heads of a scope known to the KV store and the table whose signatures verify.
 * Rows of the table signed with this key that do not verify (the table's writer can INSERT) are
 * counted as `forged`; rows of another key id (an earlier AUDIT_SIGNING_KEY) are skipped.
 */
export async function latestSignedHead(
  em: EntityManager,
  verifier: AuditVerifier,
  scope: string,
  kv?: KvStore,
): Promise<{ checkpoint: AuditCheckpoint; source: 'kv' | 'database' }[] & { forged?: number }> {
  const found: { checkpoint: AuditCheckpoint; source: 'kv' | 'database' }[] & { forged?: number } = [];
  const fromKv = kv ? parseCheckpoint(await kv.get(auditHeadKvKey(scope)).catch(() => null)) : undefined;
  if (fromKv && fromKv.scope === scope && verifier.verify(fromKv))
    found.push({ checkpoint: fromKv, source: 'kv' });
  const rows = await execute<
    { scope: string; seq: string; hash: string; signed_at: Date; key_id: string; signature: string }[]
  >(
    em,
    `select scope, seq, hash, signed_at, key_id, signature from audit_signed_head
      where scope = ? order by seq desc limit 50`,
    [scope],
  );
  let forged = 0;
  for (const row of rows) {
    const checkpoint: AuditCheckpoint = {
      scope: row.scope,
      seq: Number(row.seq),
      hash: row.hash,
      time: new Date(row.signed_at).toISOString(),
      keyId: row.key_id,
      signature: row.signature,
    };
    if (verifier.verify(checkpoint)) {
      found.push({ checkpoint, source: 'database' });
      break;
    }
    if (checkpoint.keyId === verifier.keyId) forged += 1;
  }
  if (forged) found.forged = forged;
  return found;
}

/**
 * The hourly job: signs the head of every chain that grew since its last signed head. A chain whose
 * head is behind its last signed head, or whose entry at that seq no longer has the signed hash, is
 * not signed again (that would launder a truncation): it is logged as an error and left for verify.
 */
export async function checkpointAuditHeads(
  deps: CheckpointDeps,
  options: { digest?: boolean; full?: boolean } = {},
): Promise<CheckpointResult> {
  const { em, clock, signer, kv, logger } = deps;
  // Hourly runs look at chains written to in the last 2 hours (an index range on occurred_at);
  // a full run (daily) at every chain, so quiet chains and shortened ones are seen too.
  const heads = options.full
    ? await execute<HeadRow[]>(
        em,
        'select distinct on (scope) scope, seq, hash, occurred_at from audit_entry order by scope, seq desc',
      )
    : await execute<HeadRow[]>(
        em,
        `select distinct on (e.scope) e.scope, e.seq, e.hash, e.occurred_at from audit_entry e
          where e.scope in (select distinct scope from audit_entry where occurred_at >= ?)
          order by e.scope, e.seq desc`,
        [new Date(clock.now().getTime() - 2 * 3_600_000)],
      );
  const result: CheckpointResult = { signed: 0, refused: [], digests: 0 };
  for (const head of heads) {
    const seq = Number(head.seq);
    const known = await latestSignedHead(em, signer, head.scope, kv);
    const last = known.map((k) => k.checkpoint).sort((a, b) => b.seq - a.seq)[0];
    if (last && seq === last.seq && head.hash === last.hash) continue;
    if (last && seq <= last.seq) {
      result.refused.push(head.scope);
      logger?.error(
        { scope: head.scope, seq, signedSeq: last.seq },
        'audit chain is behind or differs from its signed head: not signing (run audit.verify)',
      );
      continue;
    }
    if (last) {
      const [at] = await execute<{ hash: string }[]>(
        em,
        'select hash from audit_entry where scope = ? and seq = ?',
        [head.scope, last.seq],
      );
      const [cut] = await execute<{ seq: string; hash: string }[]>(
        em,
        'select seq, hash from audit_checkpoint where scope = ? order by seq desc limit 1',
        [head.scope],
      );
      const purged = cut && Number(cut.seq) >= last.seq;
      if (at ? at.hash !== last.hash : !purged) {
        result.refused.push(head.scope);
        logger?.error(
          { scope: head.scope, signedSeq: last.seq },
          'audit entry at the last signed head is gone or changed: not signing (run audit.verify)',
        );
        continue;
      }
    }
    // Never earlier than the head entry itself (clock skew between API and worker): verify tells
    // signed entries from later ones by this time.
    const time = new Date(
      Math.max(clock.now().getTime(), new Date(head.occurred_at).getTime()),
    ).toISOString();
    const checkpoint = signer.sign({ scope: head.scope, seq, hash: head.hash, time });
    await em.transactional(async (tx) => {
      await execute(
        tx,
        `insert into audit_signed_head (id, scope, seq, hash, signed_at, key_id, signature, created_at)
           values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, now()) on conflict (scope, seq) do nothing`,
        [
          checkpoint.scope,
          checkpoint.seq,
          checkpoint.hash,
          new Date(checkpoint.time),
          checkpoint.keyId,
          checkpoint.signature,
        ],
        'run',
      );
      const workspaceId = workspaceOfScope(checkpoint.scope);
      if (workspaceId) {
        await recordEvent(tx, clock, workspaceId, 'audit.checkpoint', {
          scope: checkpoint.scope,
          seq: checkpoint.seq,
          hash: checkpoint.hash,
          time: checkpoint.time,
          key_id: checkpoint.keyId,
          signature: checkpoint.signature,
          public_key: signer.publicKey,
        });
      }
    });
    await kv?.set(auditHeadKvKey(checkpoint.scope), JSON.stringify(checkpoint), KV_TTL_SECONDS);
    result.signed += 1;
  }
  if (options.digest && deps.sendMail) result.digests = await sendDigests(deps);
  return result;
}

export function workspaceOfScope(scope: string): string | null {
  return scope.startsWith('ws:') ? scope.slice(3) : null;
}

/** One email per owner of each workspace whose chain was signed in the last 24 hours. */
async function sendDigests(deps: CheckpointDeps): Promise<number> {
  const since = new Date(deps.clock.now().getTime() - 86_400_000);
  const rows = await execute<
    { scope: string; seq: string; hash: string; signed_at: Date; key_id: string; signature: string }[]
  >(
    deps.em,
    `select distinct on (scope) scope, seq, hash, signed_at, key_id, signature from audit_signed_head
      where scope like 'ws:%' and signed_at >= ? order by scope, seq desc`,
    [since],
  );
  let sent = 0;
  for (const row of rows) {
    const workspaceId = workspaceOfScope(row.scope);
    if (!workspaceId) continue;
    const owners = await deps.em.find(Membership, { workspaceId, role: 'owner' });
    const users = owners.length ? await deps.em.find(User, { id: { $in: owners.map((o) => o.userId) } }) : [];
    const checkpoint: AuditCheckpoint = {
      scope: row.scope,
      seq: Number(row.seq),
      hash: row.hash,
      time: new Date(row.signed_at).toISOString(),
      keyId: row.key_id,
      signature: row.signature,
    };
    for (const user of users) {
      await deps.sendMail?.(
        auditDigestMessage({ to: user.email, checkpoint, publicKey: deps.signer.publicKey }),
      );
      sent += 1;
    }
  }
  return sent;
}

export function auditDigestMessage(input: {
  to: string;
  checkpoint: AuditCheckpoint;
  publicKey: string;
}): MailMessage {
  const json = JSON.stringify(input.checkpoint);
  const subject = 'Postern: your audit log checkpoint';
  const paragraphs = [
    'Hello,',
    `Your workspace's audit log now holds ${input.checkpoint.seq} entries. Below is its head, signed by Postern on ${input.checkpoint.time}.`,
    'Keep this email. If the log is ever emptied or its newest entries are removed, paste the checkpoint into "Verify chain" on the audit log page and Postern will report it.',
  ];
  const footer = `Signing key ${input.checkpoint.keyId} (Ed25519 public key ${input.publicKey}). You receive this daily digest because you own the workspace.`;
  const text = `${[...paragraphs, json, '--', footer].join('\n\n')}\n`;
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;font-size:15px">`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<pre style="white-space:pre-wrap;word-break:break-all;background:#f3f4f6;padding:12px">${escapeHtml(json)}</pre>`,
    `<p style="font-size:12px;color:#6b7280">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a recipient with control characters is refused
  if (/[\u0000-\u001f\u007f,;]/.test(input.to)) throw new Error('mail recipient must be a single address');
  return { to: input.to.trim(), subject, text, html: `${html}\n` };
}
