// A readable API reference rendered on the server from the OpenAPI document: no script, no CDN.
import { escapeHtml as escapeText } from '@postern/core';

/** Any value of the document (status codes are numbers) escaped as text (core's one escaper). */
const escapeHtml = (value: unknown) => escapeText(String(value));

interface Doc {
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<
    string,
    Record<
      string,
      {
        summary: string;
        operationId: string;
        responses: Record<
          string,
          { description: string; content?: Record<string, { schema?: { $ref?: string } } | undefined> }
        >;
      }
    >
  >;
  components: { schemas: Record<string, unknown> };
}

export function renderReference(input: object): string {
  const doc = input as Doc;
  const base = doc.servers[0]?.url ?? '';
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const responses = Object.entries(op.responses)
        .map(([status, r]) => {
          const ref = r.content?.['application/json']?.schema?.$ref?.split('/').pop();
          return `<tr><td><code>${escapeHtml(status)}</code></td><td>${escapeHtml(r.description)}</td><td>${ref ? `<a href="#schema-${escapeHtml(ref)}">${escapeHtml(ref)}</a>` : ''}</td></tr>`;
        })
        .join('');
      return `<section id="${escapeHtml(op.operationId)}"><h2><span class="m">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h2>
<p>${escapeHtml(op.summary)}</p>
<pre>curl ${method === 'get' ? '' : `-X ${escapeHtml(method.toUpperCase())} `}${escapeHtml(base)}${escapeHtml(path)} \\\n  -H "Authorization: Bearer $POSTERN_API_KEY"</pre>
<table><thead><tr><th>Status</th><th>Meaning</th><th>Body</th></tr></thead><tbody>${responses}</tbody></table></section>`;
    }),
  );
  const schemas = Object.entries(doc.components.schemas)
    .map(
      ([name, s]) =>
        `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(s, null, 2))}</pre></section>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:920px;margin:2rem auto;padding:0 1rem;color:#111827}code,pre{font-family:ui-monospace,monospace}pre{background:#f3f4f6;padding:.75rem;border-radius:6px;overflow:auto}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e5e7eb;padding:.4rem;text-align:left}.m{background:#4f46e5;color:#fff;border-radius:4px;padding:0 .4rem;font-size:.8em}section{margin:2rem 0}</style></head>
<body><h1>${escapeHtml(doc.info.title)} <small>v${escapeHtml(doc.info.version)}</small></h1><p>${escapeHtml(doc.info.description)}</p>
<p>Base URL: <code>${escapeHtml(base)}</code> · Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1)</p>
<h2>Rate limits</h2><p>Every response carries <code>RateLimit</code>, <code>RateLimit-Policy</code> and <code>X-RateLimit-Limit/Remaining/Reset</code>. A refused request is <code>429</code> with <code>Retry-After</code> (seconds). Errors are JSON: <code>{ "code", "message", "requestId" }</code>.</p>
${operations.join('\n')}<h2>Schemas</h2>${schemas}</body></html>`;
}
