// The contact import wizard's rules (pure: testable): the column mapping (email required, name optional,
// attribute columns under valid, distinct keys), the fields of the upload in the order the server reads
// them (packages/contracts/src/contact-imports.ts), the consent bases explained, and the URLs.
import {
  CONTACT_IMPORT_MAX_ATTRIBUTE_COLUMNS,
  type ContactImportPreview,
  type ContactImportReportReason,
  type ContactImportStatus,
  type ImportBasis,
} from '@postern/contracts';

export type Preview = Pick<ContactImportPreview, 'header' | 'columns'>;

/** Which column goes where, by 0-based index; `attributes` maps a column to its key ('' = left out). */
export interface Mapping {
  email: number | null;
  name: number | null;
  attributes: Record<number, string>;
}

const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** A header → an attribute key the server accepts ("Company name" → "company_name"). */
export function attributeKeyOf(header: string | null, index: number): string {
  const slug = (header ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!slug) return `column_${index + 1}`;
  return (/^[a-z_]/.test(slug) ? slug : `_${slug}`).slice(0, 64);
}

/** The preview's guess: its email and name columns; no attribute until the person picks some. */
export function initialMapping(preview: Pick<ContactImportPreview, 'emailColumn' | 'nameColumn'>): Mapping {
  const email = preview.emailColumn;
  const name = preview.nameColumn !== email ? preview.nameColumn : null;
  return { email, name, attributes: {} };
}

/** A column chosen as email or name is no attribute any more. */
export function withRole(mapping: Mapping, role: 'email' | 'name', column: number | null): Mapping {
  const attributes = { ...mapping.attributes };
  if (column !== null) delete attributes[column];
  const other = role === 'email' ? 'name' : 'email';
  return {
    ...mapping,
    [role]: column,
    [other]: mapping[other] === column ? null : mapping[other],
    attributes,
  };
}

export type ColumnUse = 'skip' | 'email' | 'name' | 'attribute';

export const COLUMN_USES: ReadonlyArray<{ value: ColumnUse; label: string }> = [
  { value: 'skip', label: 'Not imported' },
  { value: 'email', label: 'Email address' },
  { value: 'name', label: 'Name' },
  { value: 'attribute', label: 'Attribute' },
];

/** What a column is imported as now. */
export function columnUse(mapping: Mapping, index: number): ColumnUse {
  if (mapping.email === index) return 'email';
  if (mapping.name === index) return 'name';
  return index in mapping.attributes ? 'attribute' : 'skip';
}

/** The mapping with `index` imported as `use` (an attribute is keyed after its header). */
export function assignColumn(
  mapping: Mapping,
  index: number,
  use: ColumnUse,
  header: string | null,
): Mapping {
  const cleared: Mapping = {
    email: mapping.email === index ? null : mapping.email,
    name: mapping.name === index ? null : mapping.name,
    attributes: Object.fromEntries(
      Object.entries(mapping.attributes).filter(([column]) => Number(column) !== index),
    ),
  };
  if (use === 'email' || use === 'name') return withRole(cleared, use, index);
  if (use === 'attribute')
    return { ...cleared, attributes: { ...cleared.attributes, [index]: attributeKeyOf(header, index) } };
  return cleared;
}

export interface MappingProblems {
  email?: string;
  /** By column index. */
  attributes: Record<number, string>;
  /** About the mapping as a whole. */
  general?: string;
}

export function mappingProblems(mapping: Mapping): MappingProblems {
  const problems: MappingProblems = { attributes: {} };
  if (mapping.email === null) problems.email = 'Choose the column that holds the email addresses.';
  const chosen = Object.entries(mapping.attributes).filter(([, key]) => key.trim() !== '');
  if (chosen.length > CONTACT_IMPORT_MAX_ATTRIBUTE_COLUMNS)
    problems.general = `Import at most ${CONTACT_IMPORT_MAX_ATTRIBUTE_COLUMNS} attribute columns.`;
  const seen = new Map<string, number>();
  for (const [column, raw] of chosen) {
    const index = Number(column);
    const key = raw.trim();
    if (!ATTRIBUTE_KEY.test(key)) {
      problems.attributes[index] =
        'Start with a letter or _, then letters, digits, _ . or - (at most 64 characters).';
      continue;
    }
    const first = seen.get(key.toLowerCase());
    if (first !== undefined) problems.attributes[index] = `Another column is already imported as “${key}”.`;
    else seen.set(key.toLowerCase(), index);
  }
  return problems;
}

export function hasProblems(problems: MappingProblems): boolean {
  return Boolean(problems.email || problems.general || Object.keys(problems.attributes).length);
}

/**
 * How the server is told about a column: its header name when the file has a header and the name is
 * unique (case-insensitively), else its index (the server resolves both; a name survives a column
 * order change between preview and upload, an index is the only way without a header).
 */
export function columnRef(preview: Preview, index: number): string {
  const name = preview.header ? (preview.columns[index]?.name ?? '').trim() : '';
  if (!name || /^\d+$/.test(name)) return String(index);
  const same = preview.columns.filter((col) => (col.name ?? '').trim().toLowerCase() === name.toLowerCase());
  return same.length === 1 ? name : String(index);
}

export interface ImportChoices {
  listId: string;
  basis: ImportBasis;
  express: boolean;
  verify: boolean;
  format: 'auto' | 'csv' | 'tsv';
  encoding: 'utf-8' | 'latin1';
  source?: string;
}

/** The upload's fields in the order the server reads them (before the file). */
export function importFields(
  preview: Preview,
  mapping: Mapping,
  choices: ImportChoices,
): Array<[string, string]> {
  if (mapping.email === null) throw new Error('the email column is required');
  const attributes = Object.fromEntries(
    Object.entries(mapping.attributes)
      .filter(([, key]) => key.trim() !== '')
      .map(([column, key]) => [columnRef(preview, Number(column)), key.trim()]),
  );
  const fields: Array<[string, string]> = [
    ['listId', choices.listId],
    ['basis', choices.basis],
    ['emailColumn', columnRef(preview, mapping.email)],
  ];
  if (mapping.name !== null) fields.push(['nameColumn', columnRef(preview, mapping.name)]);
  if (Object.keys(attributes).length) fields.push(['attributeColumns', JSON.stringify(attributes)]);
  fields.push(
    ['verify', String(choices.verify)],
    ['express', String(choices.basis === 'consent' && choices.express)],
    ['format', choices.format],
    ['encoding', choices.encoding],
    ['hasHeader', String(preview.header)],
  );
  if (choices.source?.trim()) fields.push(['source', choices.source.trim().slice(0, 200)]);
  return fields;
}

/** What each column becomes, for the preview table's header: "Email", "Name", "→ company", "Not imported". */
export function columnRole(mapping: Mapping, index: number): string {
  if (mapping.email === index) return 'Email';
  if (mapping.name === index) return 'Name';
  const key = mapping.attributes[index]?.trim();
  return key ? `Attribute “${key}”` : 'Not imported';
}

/** The declarations offered, each with what it means (GDPR Art. 6, ePrivacy's soft opt-in, CASL). */
export const BASES: ReadonlyArray<{ value: ImportBasis; label: string; meaning: string }> = [
  {
    value: 'consent',
    label: 'They asked to receive it (consent)',
    meaning:
      'Each person agreed to receive this list — a sign-up form, a ticked box, a signed sheet — and you can show when and how.',
  },
  {
    value: 'existing_customer',
    label: 'Existing customers (soft opt-in)',
    meaning:
      'They bought from you, the emails are about similar products or services, and they were offered a way to refuse when you collected the address and in every email since.',
  },
  {
    value: 'contract',
    label: 'Needed for a contract with them',
    meaning:
      'The emails are part of a service they signed up for (account, orders, service notices) — not marketing.',
  },
  {
    value: 'legitimate_interest',
    label: 'Legitimate interest',
    meaning:
      'You weighed your interest against theirs and they would reasonably expect these emails (GDPR Art. 6(1)(f)). Keep your assessment.',
  },
  {
    value: 'implied_consent_casl',
    label: 'Implied consent (CASL, Canada)',
    meaning:
      'A business relationship or inquiry in the past two years (six months for inquiries). It expires; lists requiring express consent skip these contacts in campaigns.',
  },
];

export const REASON_LABELS: Record<ContactImportReportReason, string> = {
  invalid_address: 'Not a valid address',
  invalid_name: 'Name not accepted',
  invalid_attributes: 'Attributes not accepted',
  duplicate_in_import: 'Repeated in the file',
  suppressed: 'Suppressed',
  unsubscribed: 'Unsubscribed earlier',
  already_subscribed: 'Already subscribed',
  rejected_by_verification: 'Rejected by verification',
};

export const STATUS_INFO: Record<
  ContactImportStatus,
  { label: string; tone: 'slate' | 'indigo' | 'emerald' | 'rose' | 'amber' }
> = {
  uploading: { label: 'Uploading', tone: 'slate' },
  queued: { label: 'Queued', tone: 'slate' },
  running: { label: 'Importing', tone: 'indigo' },
  completed: { label: 'Completed', tone: 'emerald' },
  failed: { label: 'Failed', tone: 'rose' },
  cancelled: { label: 'Cancelled', tone: 'amber' },
};

export function isFinished(status: ContactImportStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

const NUMBER = new Intl.NumberFormat('en');

/** "1,200 of 5,000 rows" / "Counting the rows…". */
export function progressText(counts: { rows: number; processed: number }): string {
  if (!counts.rows) return 'Counting the rows…';
  return `${NUMBER.format(counts.processed)} of ${NUMBER.format(counts.rows)} rows`;
}

// ---- URLs ----------------------------------------------------------------------------------------

const enc = encodeURIComponent;

export function importUploadUrl(workspaceId: string): string {
  return `/api/w/${enc(workspaceId)}/contact-imports`;
}

export function reportCsvUrl(workspaceId: string, importId: string): string {
  return `/api/w/${enc(workspaceId)}/contact-imports/${enc(importId)}/report.csv`;
}

/** The page of one import, below its list: /w/:ws/lists/:listId/imports/:importId. */
export function importPath(workspaceId: string, listId: string, importId: string): string {
  return `/w/${enc(workspaceId)}/lists/${enc(listId)}/imports/${enc(importId)}`;
}
