// Walks zod input schemas to every string in them (through objects, arrays, records, unions, wrappers
// and pipes) and builds valid-looking samples with a given bad text at one of those strings.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';

export type Schema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  innerType?: Schema;
  options?: Schema[];
  keyType?: Schema;
  valueType?: Schema;
  in?: Schema;
  left?: Schema;
  right?: Schema;
  entries?: Record<string, string | number>;
  values?: unknown[];
  format?: string;
}
const defOf = (schema: Schema) => (schema as unknown as { _zod: { def: Def } })._zod.def;
const bag = (schema: Schema) =>
  (schema as unknown as { _zod: { bag: { minimum?: number; maximum?: number } } })._zod.bag ?? {};

/** A step into a schema: an object key, an array item, a record key or value, a union option. */
export type Step = string;

/** Paths to every string of a schema (through objects, arrays, records, unions, wrappers, pipes). */
export function stringPaths(schema: Schema, prefix: Step[] = []): Step[][] {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return [prefix];
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, value]) =>
        stringPaths(value, [...prefix, `.${key}`]),
      );
    case 'array':
      return def.element ? stringPaths(def.element, [...prefix, '[]']) : [];
    case 'record':
      return [
        ...(def.keyType ? stringPaths(def.keyType, [...prefix, '{key}']) : []),
        ...(def.valueType ? stringPaths(def.valueType, [...prefix, '{value}']) : []),
      ];
    case 'union':
      return (def.options ?? []).flatMap((option, i) => stringPaths(option, [...prefix, `|${i}`]));
    case 'pipe':
      return def.in ? stringPaths(def.in, prefix) : [];
    case 'intersection':
      return [
        ...(def.left ? stringPaths(def.left, prefix) : []),
        ...(def.right ? stringPaths(def.right, prefix) : []),
      ];
    default:
      return def.innerType ? stringPaths(def.innerType, prefix) : [];
  }
}

/** A string that meets the schema's length bounds, with `bad` in the middle (or plain letters). */
function fitted(schema: Schema, bad: string | null): string {
  const { minimum = 0, maximum = 64 } = bag(schema);
  const length = Math.max(6, Math.min(minimum, 200), 0);
  const size = Math.min(length, maximum);
  if (bad === null) return 'a'.repeat(Math.max(size, 1));
  const half = Math.max(0, Math.floor((size - bad.length) / 2));
  return `${'a'.repeat(half)}${bad}${'a'.repeat(Math.max(0, size - half - bad.length))}`;
}

/**
 * A plausible input for `schema`, with `bad` placed at `target` (a path from stringPaths). Formats get
 * real-looking values (the caller's workspace id, a uuid, an address, a date), so the refusal a probe
 * meets is about its text, not the rest of the input.
 */
export function sample(
  schema: Schema,
  ctx: { workspaceId: string; key?: string },
  target: Step[] | null,
  bad: string,
): unknown {
  const def = defOf(schema);
  const here = target !== null && target.length === 0;
  const next = (step: Step) => (target && target[0] === step ? target.slice(1) : null);
  switch (def.type) {
    case 'string': {
      if (here) return fitted(schema, bad);
      if (ctx.key === 'workspaceId') return ctx.workspaceId;
      if (def.format === 'uuid' || def.format === 'guid') return randomUUID();
      if (def.format === 'email') return 'probe@example.test';
      if (def.format === 'datetime') return new Date().toISOString();
      return fitted(schema, null);
    }
    case 'number':
      return Math.max(1, bag(schema).minimum ?? 1);
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    case 'object':
      return Object.fromEntries(
        Object.entries(def.shape ?? {}).map(([key, value]) => [
          key,
          sample(value, { ...ctx, key }, next(`.${key}`), bad),
        ]),
      );
    case 'array':
      return def.element ? [sample(def.element, ctx, next('[]'), bad)] : [];
    case 'record': {
      const key = def.keyType ? sample(def.keyType, ctx, next('{key}'), bad) : 'k';
      const value = def.valueType ? sample(def.valueType, ctx, next('{value}'), bad) : 'v';
      return { [String(key)]: value };
    }
    case 'union': {
      const options = def.options ?? [];
      const chosen = target?.[0]?.startsWith('|') ? Number(target[0].slice(1)) : 0;
      const option = options[chosen] ?? options[0];
      return option ? sample(option, ctx, target?.[0]?.startsWith('|') ? target.slice(1) : null, bad) : null;
    }
    case 'pipe':
      return def.in ? sample(def.in, ctx, target, bad) : null;
    case 'intersection':
      return {
        ...(def.left ? (sample(def.left, ctx, target, bad) as object) : {}),
        ...(def.right ? (sample(def.right, ctx, target, bad) as object) : {}),
      };
    default:
      return def.innerType ? sample(def.innerType, ctx, target, bad) : 'x';
  }
}

export const BAD = { nul: '\u0000', 'lone high surrogate': '\uD800', 'lone low surrogate': '\uDC00' };
