// Each staged row judged on its own, in Node (no database): the address parsed and normalised by the
// validator, the name and the attribute cells checked against the contact's limits, and repeats of an
// earlier row of the same import found. What passes is a candidate; the rest goes to the report.
import {
  CONTACT_ATTRIBUTES_MAX_BYTES,
  type ContactImportReportReason,
  isStorableText,
} from '@postern/contracts';
import { tryNormalizeAddress } from '../address.ts';
import type { ImportRow } from './reader.ts';
import type { AddressRows } from './seen.ts';

export interface Candidate {
  row: number;
  email: string;
  normalized: string;
  /** undefined: keep an existing contact's name. */
  name: string | undefined;
  attributes: Record<string, string> | undefined;
  /** Made ahead (prepare.ts) for the case the address is a new contact: its id, key and ledger event. */
  sealed?: Presealed | undefined;
}

export interface Presealed {
  contactId: string;
  keyId: string;
  /** The contact's key, sealed with the keyring (subject_key.key). */
  sealedKey: string;
  eventId: string;
  /** The `imported` event's personal part, sealed under the contact's key. */
  sealedEvent: string;
}

export interface ReportEntry {
  row: number;
  email: string;
  reason: ContactImportReportReason;
  detail: string | null;
  contactId?: string | null;
}

const NAME_MAX = 200;
const ATTRIBUTE_VALUE_MAX = 2000;
/** The address as uploaded, as the report keeps it. */
export const reportEmail = (value: string) => value.trim().slice(0, 320);

function attributesOf(
  keys: readonly string[],
  cells: readonly (string | null)[] | null,
): Record<string, string> | undefined | { invalid: string } {
  if (!cells) return undefined;
  let out: Record<string, string> | undefined;
  let bytes = 2;
  for (let i = 0; i < keys.length; i++) {
    const value = cells[i]?.trim();
    if (!value) continue;
    if (value.length > ATTRIBUTE_VALUE_MAX || !isStorableText(value))
      return { invalid: `${keys[i]}: at most ${ATTRIBUTE_VALUE_MAX} characters of storable text` };
    out ??= {};
    out[keys[i] as string] = value;
    bytes += Buffer.byteLength(value) + (keys[i] as string).length + 6;
  }
  if (bytes > CONTACT_ATTRIBUTES_MAX_BYTES)
    return { invalid: `attributes may take at most ${CONTACT_ATTRIBUTES_MAX_BYTES} bytes as JSON` };
  return out;
}

/**
 * Splits staged rows into candidates and report entries. `seen` (normalised address → first row) spans
 * the whole import: a later row with the same address is `duplicate_in_import`.
 */
export function judgeRows(
  rows: readonly ImportRow[],
  attributeKeys: readonly string[],
  seen: AddressRows,
): { candidates: Candidate[]; report: ReportEntry[] } {
  const candidates: Candidate[] = [];
  const report: ReportEntry[] = [];
  for (const [row, rawEmail, rawName, cells] of rows) {
    const address = tryNormalizeAddress(rawEmail);
    if ('reason' in address) {
      report.push({ row, email: reportEmail(rawEmail), reason: 'invalid_address', detail: address.reason });
      continue;
    }
    const name = rawName?.trim() || undefined;
    if (name !== undefined && (name.length > NAME_MAX || !isStorableText(name))) {
      report.push({
        row,
        email: reportEmail(rawEmail),
        reason: 'invalid_name',
        detail: `at most ${NAME_MAX} characters of storable text`,
      });
      continue;
    }
    const attributes = attributesOf(attributeKeys, cells);
    if (attributes && 'invalid' in attributes) {
      report.push({
        row,
        email: reportEmail(rawEmail),
        reason: 'invalid_attributes',
        detail: attributes.invalid as string,
      });
      continue;
    }
    const first = seen.get(address.normalized);
    if (first !== undefined) {
      report.push({
        row,
        email: reportEmail(rawEmail),
        reason: 'duplicate_in_import',
        detail: `same address as row ${first}`,
      });
      continue;
    }
    seen.set(address.normalized, row);
    candidates.push({
      row,
      email: address.email,
      normalized: address.normalized,
      name,
      attributes: attributes as Record<string, string> | undefined,
    });
  }
  return { candidates, report };
}
