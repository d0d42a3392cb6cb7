// Words and small decisions of the Contacts pages (pure: testable): how a subscription status, a
// consent method or a ledger event reads, what a consent timeline entry says, and what to tell the
// member when the server refuses an action (a suppressed address first of all).
import type { BadgeTone } from '../../components/badge.tsx';
import { type ActionProblem, actionProblem, serverExplanation } from '../../lib/action-problem.ts';
import { apiErrorData, errorCode } from '../../lib/api-errors.ts';
import { slugify } from '../../lib/download.ts';

export type SubscriptionStatus = 'unconfirmed' | 'active' | 'unsubscribed';

export const STATUS_STYLES: Record<SubscriptionStatus, { label: string; tone: BadgeTone; hint: string }> = {
  active: { label: 'Active', tone: 'emerald', hint: 'Receives the list’s campaigns.' },
  unconfirmed: {
    label: 'Unconfirmed',
    tone: 'amber',
    hint: 'Waits for the person to confirm by the link in the confirmation email; receives nothing until then.',
  },
  unsubscribed: { label: 'Unsubscribed', tone: 'slate', hint: 'Receives nothing from this list.' },
};

export const STATUS_ORDER: readonly SubscriptionStatus[] = ['active', 'unconfirmed', 'unsubscribed'];

export const STATUS_CHOICES = STATUS_ORDER.map((status) => ({
  value: status,
  label: STATUS_STYLES[status].label,
}));

export const METHOD_LABELS: Record<string, string> = {
  hosted_form: 'Hosted sign-up form',
  embedded_form: 'Embedded sign-up form',
  import: 'Import',
  api: 'API',
  dashboard: 'Dashboard',
  double_opt_in: 'Double opt-in confirmation',
};

export const EVENT_LABELS: Record<string, string> = {
  subscribed: 'Subscribed',
  confirmed: 'Confirmed',
  unsubscribed: 'Unsubscribed',
  imported: 'Imported',
  consent_withdrawn: 'Consent withdrawn',
};

export const EVENT_TONES: Record<string, BadgeTone> = {
  subscribed: 'indigo',
  confirmed: 'emerald',
  unsubscribed: 'slate',
  imported: 'sky',
  consent_withdrawn: 'rose',
};

export const BASIS_LABELS: Record<string, string> = {
  consent: 'Consent',
  contract: 'Contract',
  legitimate_interest: 'Legitimate interest',
  implied_consent_casl: 'Implied consent (CASL)',
  existing_customer: 'Existing customer',
};

const label = (table: Record<string, string>, key: string) => table[key] ?? key.replaceAll('_', ' ');
export const methodLabel = (method: string) => label(METHOD_LABELS, method);
export const eventLabel = (type: string) => label(EVENT_LABELS, type);
export const basisLabel = (basis: string) => label(BASIS_LABELS, basis);

/** One ledger row as the timeline receives it (the API's ConsentTimelineEntry). */
export interface TimelineEntry {
  id: string;
  type: string;
  method: string;
  listId: string | null;
  consentTextVersionId: string | null;
  express: boolean | null;
  basis: string | null;
  actorType: string | null;
  actorId: string | null;
  occurredAt: string;
  email: string | null;
  ip: string | null;
  userAgent: string | null;
  source: string | null;
  personErased: boolean;
}

export interface TimelineFact {
  label: string;
  value: string;
}

/** Names the timeline shows instead of ids: lists, consent text versions and members. */
export interface TimelineNames {
  lists: ReadonlyMap<string, string>;
  /** Consent text version id → "Version 3". */
  versions?: ReadonlyMap<string, string>;
  /** Member user id → address; undefined while unknown (loading, or the role may not list members). */
  members: ReadonlyMap<string, string> | undefined;
}

/** Who recorded the event: a member (by address when known), an API key, the person, the system. */
export function actorText(
  entry: Pick<TimelineEntry, 'actorType' | 'actorId' | 'method'>,
  names: TimelineNames,
) {
  if (entry.actorType === 'user' && entry.actorId) {
    const short = entry.actorId.slice(0, 8);
    if (!names.members) return `A member (${short})`;
    return names.members.get(entry.actorId) ?? `A former member (${short})`;
  }
  if (entry.actorType === 'api_key' && entry.actorId) return `API key ${entry.actorId.slice(0, 8)}`;
  if (entry.actorType === 'system') return 'Postern';
  if (entry.method === 'hosted_form' || entry.method === 'embedded_form' || entry.method === 'double_opt_in')
    return 'The person';
  return null;
}

/** The facts of one consent event, in the order a compliance officer reads them; unknowns left out. */
export function timelineFacts(entry: TimelineEntry, names: TimelineNames): TimelineFact[] {
  const facts: TimelineFact[] = [{ label: 'Method', value: methodLabel(entry.method) }];
  if (entry.listId) facts.push({ label: 'List', value: names.lists.get(entry.listId) ?? 'A deleted list' });
  if (entry.express !== null) facts.push({ label: 'Consent', value: entry.express ? 'Express' : 'Implied' });
  if (entry.consentTextVersionId)
    facts.push({
      label: 'Consent text',
      value:
        names.versions?.get(entry.consentTextVersionId) ??
        `Version ${entry.consentTextVersionId.slice(0, 8)}`,
    });
  if (entry.basis) facts.push({ label: 'Declared basis', value: basisLabel(entry.basis) });
  const actor = actorText(entry, names);
  if (actor) facts.push({ label: entry.type === 'imported' ? 'Imported by' : 'Recorded by', value: actor });
  if (entry.personErased) return facts;
  if (entry.email) facts.push({ label: 'Address', value: entry.email });
  if (entry.ip) facts.push({ label: 'IP address', value: entry.ip });
  if (entry.userAgent) facts.push({ label: 'User agent', value: entry.userAgent });
  if (entry.source) facts.push({ label: 'Source', value: entry.source });
  return facts;
}

/** Oldest first (the server's order; kept if it ever changes): a timeline reads forwards. */
export function orderTimeline<E extends Pick<TimelineEntry, 'occurredAt' | 'id'>>(
  entries: readonly E[],
): E[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => Date.parse(a.entry.occurredAt) - Date.parse(b.entry.occurredAt) || a.index - b.index)
    .map(({ entry }) => entry);
}

/** A custom attribute's value as text: strings as they are, the rest as JSON (`true`, `42`, `null`). */
export function attributeText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The attributes, sorted by name, for a definition list. */
export function attributeEntries(attributes: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(attributes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => [key, attributeText(value)]);
}

export { emailProblem } from '../../lib/email-address.ts';

export type ContactAction = 'add' | 'subscribe' | 'unsubscribe' | 'erase' | 'delete' | 'export';

const FAILED: Record<ContactAction, string> = {
  add: 'Could not add the contact',
  subscribe: 'Could not subscribe the contact',
  unsubscribe: 'Could not unsubscribe the contact',
  erase: 'Could not erase the contact',
  delete: 'Could not delete the contact',
  export: 'Could not download the contact’s data',
};

export interface ContactProblem extends ActionProblem {
  /** The refusal is about the typed address (shown under it). */
  field?: 'email';
}

function aboutEmail(error: unknown): boolean {
  const data = apiErrorData(error);
  if (!data) return false;
  const named = [
    data.details?.field,
    ...(data.issues ?? []).map((issue) => issue.path),
    ...((data.details?.issues as Array<{ path?: unknown }> | undefined) ?? []).map((issue) => issue.path),
  ];
  return named.some((path) => path === 'email' || path === 'contact.email');
}

const CONFLICT_TITLES: Record<string, string> = {
  suppressed: 'This address is suppressed',
  unsubscribed: 'This person unsubscribed from the list',
};

export function contactActionError(error: unknown, action: ContactAction): ContactProblem {
  const data = apiErrorData(error);
  // The server's own words; a domain rule's message is the explanation (not the generic text).
  const message = serverExplanation(error).replace(/^contact\.email: /, '');
  const problem = actionProblem(error, {
    failed: FAILED[action],
    forbidden: 'Ask an owner or admin of the workspace if you need this.',
    gone: 'It may have changed in the meantime.',
    message,
  });
  const reason = data?.details?.reason;
  if (errorCode(error) === 'CONFLICT' && typeof reason === 'string' && Object.hasOwn(CONFLICT_TITLES, reason))
    return { ...problem, title: CONFLICT_TITLES[reason] ?? problem.title };
  if (errorCode(error) === 'VALIDATION_FAILED' && aboutEmail(error)) return { ...problem, field: 'email' };
  return problem;
}

/** `acme-contact-3f2a9c1b-2026-12-06.json`: the workspace, the contact's short id (not the address), the day. */
export function contactExportFilename(workspaceName: string, contactId: string, now: number): string {
  const day = new Date(now).toISOString().slice(0, 10);
  return `${slugify(workspaceName)}-contact-${contactId.replaceAll('-', '').slice(0, 8)}-${day}.json`;
}

/** The typed confirmation matches the address (spaces around it and letter case aside). */
export const confirmsAddress = (typed: string, email: string) =>
  typed.trim().toLowerCase() === email.trim().toLowerCase();
