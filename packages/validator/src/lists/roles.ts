// Role accounts (info@, sales@, postmaster@): addresses of a function or a group, not a person.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Separators that do not change a role's name: no-reply = no_reply = no.reply = noreply. */
const SEPARATORS = /[._-]/g;

/**
 * Names that make an address a role account even with a suffix (`support-eu`, `sales.de`). Only
 * these: the package's list also holds first names and places (sydney, stockholm) that would
 * misfire as prefixes of personal addresses.
 */
const ROLE_PREFIXES = new Set([
  'abuse',
  'accounting',
  'accounts',
  'admin',
  'administrator',
  'billing',
  'careers',
  'contact',
  'enquiries',
  'feedback',
  'helpdesk',
  'hostmaster',
  'info',
  'inquiries',
  'legal',
  'mailerdaemon',
  'marketing',
  'newsletter',
  'noreply',
  'postmaster',
  'privacy',
  'sales',
  'security',
  'support',
  'webmaster',
]);

let roles: Set<string> | null = null;

function loadRoles(): Set<string> {
  if (!roles) {
    const list = require('role-based-email-addresses') as string[];
    roles = new Set(list.map((name) => name.toLowerCase().replace(SEPARATORS, '')));
    for (const name of ROLE_PREFIXES) roles.add(name);
  }
  return roles;
}

/**
 * Whether a local part names a role: case-insensitive, without a `+tag`, separators ignored
 * (`Sales+x`, `no_reply`, `Customer.Service`), or a well-known role followed by a separator and a
 * suffix (`support-eu`).
 */
export function isRoleAccount(local: string): boolean {
  let name = local.trim().toLowerCase();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  const plus = name.indexOf('+');
  if (plus > 0) name = name.slice(0, plus);
  if (!name) return false;
  const set = loadRoles();
  if (set.has(name.replace(SEPARATORS, ''))) return true;
  const first = name.split(SEPARATORS)[0];
  return first !== undefined && first !== name && ROLE_PREFIXES.has(first);
}
