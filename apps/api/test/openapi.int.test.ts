// The /v1 reference is generated from the routes' own zod schemas: every registered /v1 route is in the
// document and every documented operation is a registered route (both directions), the document is
// valid OpenAPI 3.1 (checked by an independent validator), and /v1/docs renders it — validate and
// batch included.
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness;
let doc: { openapi: string; paths: Record<string, Record<string, { operationId?: string }>> };
/** Not operations of the API: the document itself and its page. */
const UNDOCUMENTED = new Set(['GET /openapi.json', 'GET /docs']);

/** "METHOD /path" (OpenAPI form, relative to /v1) of every route Fastify registered under /v1. */
function registeredV1Routes(table: string): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of table.split('\n')) {
    const match = /^(.*?)(?:├── |└── )(\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const url = stack.join('');
    if (!match[3] || !url.startsWith('/v1/')) continue;
    const path = url.slice(3).replace(/:(\w+)/g, '{$1}');
    for (const method of match[3].split(', ')) if (method !== 'HEAD') routes.add(`${method} ${path}`);
  }
  return routes;
}

beforeAll(async () => {
  h = await startHarness();
  doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
});

afterAll(async () => {
  await h?.close();
});

describe('the generated OpenAPI document', () => {
  it('documents exactly the registered /v1 routes, validate and batch included', () => {
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const registered = registeredV1Routes(h.app.printRoutes({ commonPrefix: false }));
    expect(registered.size).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...registered].filter((r) => !UNDOCUMENTED.has(r)).sort());
    expect(documented).toContain('POST /validate');
    expect(documented).toContain('POST /validate/batch');
    // And Fastify itself knows each documented operation at its documented path.
    for (const route of documented) {
      const [method, path] = route.split(' ') as [string, string];
      const url = `/v1${path.replace(/\{(\w+)\}/g, ':$1')}`;
      expect(h.app.hasRoute({ method: method as 'GET', url })).toBe(true);
    }
  });

  it('documents the audience routes (#29) with their scopes and the Idempotency-Key of their creations', () => {
    const scopeOf = (path: string, method: string) =>
      (doc.paths[path]?.[method] as { 'x-required-scope'?: string } | undefined)?.['x-required-scope'];
    expect({
      listContacts: scopeOf('/contacts', 'get'),
      eraseContact: scopeOf('/contacts/{id}', 'delete'),
      consent: scopeOf('/contacts/{id}/consent', 'get'),
      exportContact: scopeOf('/contacts/{id}/export', 'get'),
      createList: scopeOf('/lists', 'post'),
      subscribe: scopeOf('/lists/{id}/subscriptions', 'post'),
      unsubscribe: scopeOf('/lists/{id}/subscriptions/{contactId}', 'delete'),
      addSuppressions: scopeOf('/suppressions', 'post'),
    }).toEqual({
      listContacts: 'contacts:read',
      eraseContact: 'contacts:erase',
      consent: 'contacts:read',
      exportContact: 'contacts:read',
      createList: 'lists:write',
      subscribe: 'contacts:write',
      unsubscribe: 'contacts:write',
      addSuppressions: 'suppressions:write',
    });
    const subscribe = JSON.stringify(doc.paths['/lists/{id}/subscriptions']?.post);
    expect(subscribe).toContain('idempotency-key');
    expect(subscribe).toContain('userAgent');
  });

  it('names in docs/api.md only audience paths that exist', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    const section = text.slice(text.indexOf('## Contacts, lists and suppressions (v1)'));
    const named = [...section.matchAll(/`\/v1(\/[^`?\s]*)/g)].map((m) =>
      (m[1] ?? '').replace(/:(\w+)/g, '{$1}'),
    );
    expect(named.length).toBeGreaterThan(10);
    for (const path of named) expect(Object.keys(doc.paths), path).toContain(path);
  });

  it('is a valid OpenAPI 3.1 document (independent validator)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('names request and answer schemas once, as components', () => {
    const schemas = (doc as unknown as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['Error', 'Me', 'BulkJob', 'ValidationResult', 'CreateBulkJobJson']),
    );
    const validate = doc.paths['/validate']?.post as unknown as {
      requestBody: { content: Record<string, { schema: unknown }> };
    };
    expect(JSON.stringify(validate.requestBody.content['application/json']?.schema)).toContain(
      '#/components/schemas/ValidateRequestInput',
    );
  });

  it('the reference page is rendered from it and shows validate and batch', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/v1/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<code>/validate</code>');
    expect(page.body).toContain('<code>/validate/batch</code>');
  });
});
