// Merge fields of campaigns (LiquidJS): `{{ contact.name | default: "there" }}`, `{{ contact.email }}`,
// `{{ contact.attributes.plan }}`. Templates are written by members and rendered for every recipient,
// so the engine is locked down:
// - HTML output is escaped (outputEscape 'escape'): a contact named `<script>` arrives as text, never as
//   markup; the subject and a hand-written text part use an engine without escaping (they are not HTML).
// - No file system: `include`, `render` and `layout` are replaced by tags that refuse at parse time, and
//   the engine has no templates to look up anyway.
// - Strict filters (an unknown filter is an error, not silently nothing); unknown variables render
//   empty (a missing attribute falls back to its `default:`); only own properties are read.
// - Parse and render limits (template length, render time, memory) bound what one template can cost.
// A template error becomes VALIDATION_FAILED naming the field and the line ("htmlBody, line 3: …").
// Parsed templates are cached by their text, so the sending engine parses each campaign once.
import { convert } from 'html-to-text';
import { Liquid, type Template } from 'liquidjs';
import { DomainError } from '../errors.ts';

export type TemplateField = 'subject' | 'preheader' | 'htmlBody' | 'textBody';

export interface MergeContact {
  email: string;
  name: string | null;
  attributes: Record<string, unknown>;
}

const LIMITS = {
  parseLimit: 1_000_000,
  /** Milliseconds one render may take. */
  renderLimit: 2_000,
  memoryLimit: 20_000_000,
};

const FIELD_TEXT: Record<TemplateField, string> = {
  subject: 'the subject',
  preheader: 'the preheader',
  htmlBody: 'the HTML body',
  textBody: 'the text version',
};

function lockedEngine(escapeHtml: boolean): Liquid {
  const engine = new Liquid({
    ...(escapeHtml ? { outputEscape: 'escape' as const } : {}),
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    // In-memory templates only, and none of them: nothing is ever read from disk.
    templates: {},
    relativeReference: false,
    jekyllInclude: false,
    ...LIMITS,
  });
  for (const tag of ['include', 'render', 'layout'] as const) {
    engine.registerTag(tag, {
      parse() {
        throw new Error(`the {% ${tag} %} tag is not available in campaigns`);
      },
      render() {
        return '';
      },
    });
  }
  return engine;
}

const htmlEngine = lockedEngine(true);
const textEngine = lockedEngine(false);

/** Parsed templates by engine and text (a small LRU: a sending campaign's few templates stay). */
const cache = new Map<string, Template[]>();
const CACHE_MAX = 200;

/** What a LiquidJS error says, as one sentence without its stack or a copy of the template. */
function describe(error: unknown): { message: string; line: number | null } {
  const err = error as { message?: string; token?: { getPosition?: () => [number, number] } };
  let line: number | null = null;
  try {
    line = err.token?.getPosition?.()[0] ?? null;
  } catch {
    line = null;
  }
  const raw = String(err.message ?? 'the template cannot be read');
  const fromMessage = /line:(\d+)/.exec(raw);
  if (line === null && fromMessage) line = Number(fromMessage[1]);
  const first = raw.split('\n')[0] ?? raw;
  const message = first
    .replace(/,?\s*(file:\S*,\s*)?line:\d+,\s*col:\d+/g, '')
    .replace(/^undefined filter/, 'unknown filter')
    .trim();
  return { message, line };
}

function templateError(field: TemplateField, error: unknown): DomainError {
  const { message, line } = describe(error);
  const where = line ? `${FIELD_TEXT[field]}, line ${line}` : FIELD_TEXT[field];
  return new DomainError('VALIDATION_FAILED', `${field}: merge field error in ${where}: ${message}`, {
    field,
    line,
    issues: [{ path: field, message }],
  });
}

function parsed(engine: Liquid, field: TemplateField, source: string): Template[] {
  const key = `${engine === htmlEngine ? 'h' : 't'}:${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let templates: Template[];
  try {
    templates = engine.parse(source);
  } catch (error) {
    throw templateError(field, error);
  }
  cache.set(key, templates);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  return templates;
}

/** The variables a template sees: the contact, with only plain values. */
function scopeOf(contact: MergeContact) {
  return {
    contact: {
      email: contact.email,
      name: contact.name ?? null,
      attributes: { ...contact.attributes },
    },
  };
}

async function run(engine: Liquid, field: TemplateField, source: string, contact: MergeContact) {
  if (!source.includes('{')) return source;
  const templates = parsed(engine, field, source);
  try {
    return String(await engine.render(templates, scopeOf(contact)));
  } catch (error) {
    throw templateError(field, error);
  }
}

/** Renders HTML with every output escaped. */
export const renderHtml = (field: TemplateField, source: string, contact: MergeContact) =>
  run(htmlEngine, field, source, contact);

/** Renders plain text (subject, text part): nothing escaped, line breaks of a subject removed. */
export async function renderText(field: TemplateField, source: string, contact: MergeContact) {
  const out = await run(textEngine, field, source, contact);
  return field === 'subject' || field === 'preheader' ? out.replace(/[\r\n]+/g, ' ').trim() : out;
}

/** Checks a template parses (on save), so a broken merge field is refused before anyone sends. */
export function checkTemplate(field: TemplateField, source: string | null | undefined): void {
  if (!source?.includes('{')) return;
  parsed(field === 'htmlBody' || field === 'preheader' ? htmlEngine : textEngine, field, source);
}

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

/**
 * The text part generated from HTML (links kept as `text [url]`, images dropped). Headings keep their
 * case: upper-casing would also change merge tags (`{{ contact.name }}` → `{{ CONTACT.NAME }}`) in the
 * stored text version, which is itself a template (the engine renders it per recipient).
 */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: 78,
    selectors: [
      ...HEADINGS,
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      { selector: '.postern-preheader', format: 'skip' },
    ],
  }).trim();
}
