// Webhook endpoints and deliveries, presented (pure: testable): an endpoint's state and why, a
// delivery's status, durations and relative times, and the verification snippet (the delivery log's
// filters are in delivery-filters.ts).

import type { WebhookDeliveryState } from '@postern/contracts';
import {
  TEST_EVENT_TYPE,
  WEBHOOK_DEFAULT_OVERLAP_HOURS,
  WEBHOOK_DELIVERY_STATUSES,
  type WEBHOOK_DISABLED_REASONS,
  WEBHOOK_MAX_OVERLAP_HOURS,
} from '@postern/contracts/constants';
import type { BadgeTone } from '../../components/badge.tsx';
import { formatDateTime, formatRelative, formatUntil } from '../../lib/time.ts';

export type DeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
type DisabledReason = (typeof WEBHOOK_DISABLED_REASONS)[number];
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = WEBHOOK_DELIVERY_STATUSES;
export const MAX_OVERLAP_HOURS = WEBHOOK_MAX_OVERLAP_HOURS;
export const DEFAULT_OVERLAP_HOURS = WEBHOOK_DEFAULT_OVERLAP_HOURS;
export const TEST_EVENT = TEST_EVENT_TYPE;

// ── Endpoints ────────────────────────────────────────────────────────────────────────────────────

export interface EndpointStateFields {
  enabled: boolean;
  disabledReason: DisabledReason | null;
  disabledAt: string | null;
  failingSince: string | null;
  consecutiveFailures: number;
}

export type EndpointStateKey = 'enabled' | 'failing' | 'disabled';

export interface EndpointState {
  key: EndpointStateKey;
  label: string;
  tone: BadgeTone;
  /** Why it is in that state, for people (null when all is well). */
  reason: string | null;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Why an endpoint was disabled: by a member, because it answered 410 Gone, or after failing too long. */
export function disabledReasonText(
  reason: DisabledReason | null,
  disabledAt: string | null,
  failingSince: string | null,
): string {
  const when = disabledAt ? ` on ${formatDateTime(disabledAt)}` : '';
  switch (reason) {
    case 'gone':
      return `Disabled automatically: the endpoint answered 410 Gone${when}.`;
    case 'failing':
      return failingSince
        ? `Disabled automatically: failing since ${formatDateTime(failingSince)}.`
        : `Disabled automatically after failing for too long${when}.`;
    case 'manual':
      return `Disabled by a member${when}.`;
    default:
      return `Disabled${when}.`;
  }
}

/** Enabled and healthy, enabled but failing, or disabled (with the reason). */
export function endpointState(endpoint: EndpointStateFields): EndpointState {
  if (!endpoint.enabled)
    return {
      key: 'disabled',
      label: endpoint.disabledReason === 'manual' || !endpoint.disabledReason ? 'Disabled' : 'Auto-disabled',
      tone: endpoint.disabledReason === 'manual' || !endpoint.disabledReason ? 'slate' : 'rose',
      reason: disabledReasonText(endpoint.disabledReason, endpoint.disabledAt, endpoint.failingSince),
    };
  if (endpoint.failingSince || endpoint.consecutiveFailures > 0)
    return {
      key: 'failing',
      label: 'Failing',
      tone: 'amber',
      reason: `${
        endpoint.failingSince ? `Failing since ${formatDateTime(endpoint.failingSince)}` : 'Failing'
      } (${plural(endpoint.consecutiveFailures, 'consecutive failure')}).`,
    };
  return { key: 'enabled', label: 'Enabled', tone: 'emerald', reason: null };
}

/** "Last success 5 minutes ago" / "No successful delivery yet". */
export function lastSuccessText(lastSuccessAt: string | null, now: number): string {
  return lastSuccessAt
    ? `Last success ${formatRelative(Date.parse(lastSuccessAt), now)}`
    : 'No successful delivery yet';
}

/** The host of an endpoint's URL (its title), or the URL itself when it does not parse. */
export function urlHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** What is wrong with a typed endpoint URL before asking the server (which also refuses private targets). */
export function urlProblem(text: string): string | undefined {
  const value = text.trim();
  if (!value) return 'Enter the URL that receives the events.';
  if (value.length > 2048) return 'The URL is too long (2,048 characters at most).';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL, like https://example.com/webhooks/postern.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'The URL must start with https:// (or http://).';
  return undefined;
}

/** The event types an endpoint subscribes to, in the offered order (unknown ones last). */
export function orderedTypes(types: readonly string[], offered: readonly string[]): string[] {
  const rank = (type: string) => {
    const index = offered.indexOf(type);
    return index === -1 ? offered.length : index;
  };
  return [...types].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function toggleType<T extends string>(types: readonly T[], type: T): T[] {
  return types.includes(type) ? types.filter((candidate) => candidate !== type) : [...types, type];
}

export interface EndpointDraft<T extends string = string> {
  url: string;
  description: string;
  eventTypes: T[];
}

export interface EndpointChanges<T extends string = string> {
  url?: string;
  description?: string | null;
  eventTypes?: T[];
}

/** What changed between the saved endpoint and the form (only those fields are sent). */
export function endpointChanges<T extends string>(
  saved: { url: string; description: string | null; eventTypes: readonly T[] },
  draft: EndpointDraft<T>,
): EndpointChanges<T> {
  const changes: EndpointChanges<T> = {};
  const url = draft.url.trim();
  if (url !== saved.url) changes.url = url;
  const description = draft.description.trim();
  if (description !== (saved.description ?? '')) changes.description = description || null;
  const sameTypes =
    new Set(draft.eventTypes).size === new Set(saved.eventTypes).size &&
    draft.eventTypes.every((type) => saved.eventTypes.includes(type));
  if (!sameTypes) changes.eventTypes = [...new Set(draft.eventTypes)];
  return changes;
}

// ── Deliveries ───────────────────────────────────────────────────────────────────────────────────

export const DELIVERY_STATUS: Record<DeliveryStatus, { label: string; tone: BadgeTone }> = {
  pending: { label: 'Pending', tone: 'amber' },
  succeeded: { label: 'Succeeded', tone: 'emerald' },
  failed: { label: 'Failed', tone: 'rose' },
};

interface DeliveryFields {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: ReadonlyArray<{ durationMs: number; statusCode: number | null }>;
}

/** What a delivery is doing now (the server's `state`), as its badge. */
export const DELIVERY_STATE: Record<WebhookDeliveryState, { label: string; tone: BadgeTone }> = {
  queued: { label: 'Queued', tone: 'slate' },
  sending: { label: 'Sending', tone: 'indigo' },
  retrying: { label: 'Retrying', tone: 'amber' },
  succeeded: { label: 'Succeeded', tone: 'emerald' },
  failed: { label: 'Failed', tone: 'rose' },
};

/** The badge of a delivery: an attempt in flight reads "Sending", a wait between attempts "Retrying". */
export function deliveryStatus(delivery: { state: WebhookDeliveryState }): {
  label: string;
  tone: BadgeTone;
} {
  return DELIVERY_STATE[delivery.state];
}

/** The request headers of an attempt, in a stable order (signature headers included), for display. */
export function requestHeaderList(headers: Record<string, string> | null): Array<[string, string]> {
  if (!headers) return [];
  return Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
}

/** Whether the log should keep polling: some delivery is still waiting for an attempt. */
export function anyPending(deliveries: ReadonlyArray<{ status: string }>): boolean {
  return deliveries.some((delivery) => delivery.status === 'pending');
}

/** 85 → "85 ms", 1234 → "1.2 s", 15000 → "15 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}

/** The duration of the latest attempt (the log is newest first). */
export function lastDuration(delivery: Pick<DeliveryFields, 'attemptLog'>): number | null {
  return delivery.attemptLog[0]?.durationMs ?? null;
}

/** An HTTP status with its meaning ("200 OK"), or what happened when no response came. */
export function statusCodeText(code: number | null, error?: string | null): string {
  if (code === null) return error ? 'No response' : '—';
  const reason = HTTP_REASONS[code];
  return reason ? `${code} ${reason}` : String(code);
}

export function statusCodeTone(code: number | null): BadgeTone {
  if (code === null) return 'rose';
  if (code >= 200 && code < 300) return 'emerald';
  if (code >= 400 && code < 500) return 'amber';
  return 'rose';
}

const HTTP_REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** When a pending delivery is tried next: "in 5 minutes", "now" once due; "—" for finished ones. */
export function nextAttemptText(
  delivery: Pick<DeliveryFields, 'status' | 'nextAttemptAt'>,
  now: number,
): string {
  if (delivery.status !== 'pending') return '—';
  if (!delivery.nextAttemptAt) return 'now';
  const due = Date.parse(delivery.nextAttemptAt);
  if (Number.isNaN(due) || due <= now + 1_000) return 'now';
  return formatUntil(due, now);
}

/** A past or future instant relative to `now`: "5 minutes ago" / "in 5 minutes". */
export function relativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  return then > now + 1_000 ? formatUntil(then, now) : formatRelative(then, now);
}

/** How long a rotation overlap still runs: "for 24 more hours", "for 3 more days"; "ended" once past. */
export function overlapLeftText(until: string, now: number): string {
  const left = Date.parse(until) - now;
  if (Number.isNaN(left) || left <= 0) return 'ended';
  const minutes = Math.ceil(left / 60_000);
  if (minutes < 60) return `for ${minutes} more ${minutes === 1 ? 'minute' : 'minutes'}`;
  const hours = Math.round(left / 3_600_000);
  if (hours <= 48) return `for ${hours} more ${hours === 1 ? 'hour' : 'hours'}`;
  const days = Math.round(left / 86_400_000);
  return `for ${days} more days`;
}

/** The payload, indented when it is JSON (it always should be), else as it was sent. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** "Bulk job completed" for `bulk_job.completed`; the test event reads "Test event". */
export function eventTypeLabel(type: string): string {
  if (type === TEST_EVENT) return 'Test event';
  const [domain = '', action = ''] = type.split('.');
  const words = `${domain.replace(/_/g, ' ')} ${action.replace(/_/g, ' ')}`.trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ── Secrets ──────────────────────────────────────────────────────────────────────────────────────

/** The overlap typed in the rotate dialog, in hours (0 to 168, fractions allowed), or why not. */
export function parseOverlapHours(text: string): { hours: number } | { error: string } {
  const trimmed = text.trim();
  if (!trimmed)
    return { error: 'Enter how many hours the previous secret keeps signing (0 to stop at once).' };
  const hours = Number(trimmed);
  if (!Number.isFinite(hours)) return { error: 'Enter a number of hours.' };
  if (hours < 0) return { error: 'The overlap cannot be negative.' };
  if (hours > MAX_OVERLAP_HOURS)
    return { error: `The overlap is at most ${MAX_OVERLAP_HOURS} hours (7 days).` };
  return { hours };
}

/** "whsec_abc…xyz" → a same-shape mask that gives nothing away. */
export function maskSecret(prefix = 'whsec_'): string {
  return `${prefix}${'•'.repeat(24)}`;
}

/** How a receiver checks a delivery with the SDK (Node, no framework). */
export function verifySnippet(): string {
  return `import { createServer } from 'node:http';
import { verifyWebhook } from '@postern/sdk';

// The endpoint's signing secret (whsec_…), from your secret store.
const secret = process.env.POSTERN_WEBHOOK_SECRET;

createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  // Verify the exact bytes received; never re-serialised JSON.
  const rawBody = Buffer.concat(chunks);
  let event;
  try {
    event = verifyWebhook(rawBody, req.headers, secret);
  } catch (error) {
    // WebhookVerificationError: error.code says why (INVALID_SIGNATURE, TIMESTAMP_TOO_OLD…).
    res.writeHead(400).end(error.code ?? 'invalid');
    return;
  }
  // webhook-id is the same on every retry and re-send: use it to drop duplicates.
  console.log(req.headers['webhook-id'], event.type, event.data);
  res.writeHead(204).end();
}).listen(8080);
`;
}
