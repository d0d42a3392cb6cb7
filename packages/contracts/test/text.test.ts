// Every string an input schema of the contracts accepts must refuse what PostgreSQL text cannot hold
// (U+0000, lone surrogates): a lint over the exported schemas, checked by behaviour, so a new
// request schema written with a bare z.string() fails here.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as contracts from '../src/index.ts';

/** Exports that clients send (requests, queries, job options and their parts). */
const INPUT_NAME = /(Request|Query|Filter|Json|Options|Metadata|Scoped|Name|Description|Url|Email|Input)$/;

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every string schema reachable from `schema` (object fields, items, record keys and values, unions…). */
function stringLeaves(schema: z.ZodType, path: string, out: { path: string; schema: z.ZodType }[]) {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      out.push({ path, schema });
      break;
    case 'object':
      for (const [key, value] of Object.entries(def.shape ?? {})) stringLeaves(value, `${path}.${key}`, out);
      break;
    case 'array':
      if (def.element) stringLeaves(def.element, `${path}[]`, out);
      break;
    case 'record':
      if (def.keyType) stringLeaves(def.keyType, `${path}{key}`, out);
      if (def.valueType) stringLeaves(def.valueType, `${path}{value}`, out);
      break;
    case 'union':
      for (const option of def.options ?? []) stringLeaves(option, path, out);
      break;
    case 'pipe':
      // A string with a transform (then checks): the whole pipe is what refuses or accepts.
      if (def.in && defOf(def.in).type === 'string') out.push({ path, schema });
      else if (def.in) stringLeaves(def.in, path, out);
      break;
    case 'intersection':
      if (def.left) stringLeaves(def.left, path, out);
      if (def.right) stringLeaves(def.right, path, out);
      break;
    default:
      if (def.innerType) stringLeaves(def.innerType, path, out);
  }
  return out;
}

const LENGTHS = [1, 2, 3, 6, 8, 12, 16, 20, 32, 64, 100, 200];
/**
 * Unsafe when some string of plain letters passes while the same length with a NUL (or a lone
 * surrogate) in the middle passes too. Formats (uuid, digits-only codes) accept no plain letters and
 * refuse the probes by themselves.
 */
function acceptsUnstorable(schema: z.ZodType): string | null {
  for (const length of LENGTHS) {
    const clean = 'a'.repeat(length);
    if (!schema.safeParse(clean).success) continue;
    for (const bad of ['\u0000', '\uD800', '\uDFFF']) {
      const middle = Math.floor(length / 2);
      const probe = clean.slice(0, middle) + bad + clean.slice(middle + 1);
      if (schema.safeParse(probe).success) return JSON.stringify(probe);
    }
  }
  return null;
}

const inputSchemas = Object.entries(contracts).filter(
  ([name, value]) =>
    name.startsWith('Z') &&
    INPUT_NAME.test(name) &&
    typeof value === 'object' &&
    value !== null &&
    '_zod' in (value as object),
) as [string, z.ZodType][];

describe('contract strings refuse what PostgreSQL text cannot hold', () => {
  it('finds the request schemas', () => {
    const names = inputSchemas.map(([name]) => name);
    for (const expected of [
      'ZCreateWorkspaceRequest',
      'ZCreateApiKeyRequest',
      'ZCreateWebhookEndpointRequest',
      'ZCreateBulkJobJson',
      'ZAuditExportRequest',
      'ZSignUpRequest',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('every string of every input schema refuses U+0000 and lone surrogates', () => {
    const unsafe: string[] = [];
    for (const [name, schema] of inputSchemas) {
      for (const leaf of stringLeaves(schema, name, [])) {
        const probe = acceptsUnstorable(leaf.schema);
        if (probe) unsafe.push(`${leaf.path} accepts ${probe}`);
      }
    }
    expect(unsafe).toEqual([]);
  });

  it('zText keeps what PostgreSQL can hold, astral characters included', () => {
    const text = contracts.zText().trim().max(20);
    expect(text.parse(' Équipe 😀 北京 ')).toBe('Équipe 😀 北京');
    expect(text.safeParse('a\u0000b').success).toBe(false);
    expect(text.safeParse('a\uD83D').success).toBe(false);
    expect(contracts.ZBulkMetadata.safeParse({ 'k\u0000': 'v' }).success).toBe(false);
    expect(contracts.ZBulkMetadata.safeParse({ k: 'v\u0000' }).success).toBe(false);
    expect(contracts.ZBulkMetadata.safeParse({ k: 'v' }).success).toBe(true);
  });
});
