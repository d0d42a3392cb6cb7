// The OpenAPI 3.1 document of /v1, generated from the same zod contracts the routes return.
import { ZErrorBody, ZV1Me, ZV1Usage } from '@postern/contracts';
import { z } from 'zod';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', io: 'output' });

const rateLimitHeaders = {
  RateLimit: {
    description: 'Remaining requests and seconds until the bucket is full (IETF draft)',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'Bucket size (q) and refill window (w, seconds)',
    schema: { type: 'string' },
  },
  'X-RateLimit-Limit': { schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'Seconds until the bucket is full', schema: { type: 'integer' } },
};

const errors = {
  '400': {
    description: 'Bad request (e.g. an API key in the query string)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '401': {
    description: 'Missing, unknown, expired or revoked API key',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '429': {
    description: 'Rate limit reached; retry after Retry-After seconds',
    headers: { 'Retry-After': { schema: { type: 'integer' } }, ...rateLimitHeaders },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};

let cached: { key: string; doc: object } | undefined;

export function buildOpenApiDocument(publicUrl: string, version: string) {
  const key = `${publicUrl}|${version}`;
  if (cached?.key === key) return cached.doc;
  const doc = {
    openapi: '3.1.0',
    info: {
      title: 'Postern API',
      version,
      description:
        'The public API of Postern. Authenticate with an API key from the dashboard (Settings → API keys) in the Authorization header. Requests are rate-limited per workspace by plan (token bucket).',
    },
    servers: [{ url: `${publicUrl}/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'pst_live_… API key' } },
      schemas: { Error: schema(ZErrorBody), Me: schema(ZV1Me), Usage: schema(ZV1Usage) },
    },
    paths: {
      '/me': {
        get: {
          operationId: 'getMe',
          summary: 'The workspace and key behind this request',
          responses: {
            '200': {
              description: 'OK',
              headers: rateLimitHeaders,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Me' } } },
            },
            ...errors,
          },
        },
      },
      '/usage': {
        get: {
          operationId: 'getUsage',
          summary: 'Plan limits, tokens left and requests per day',
          responses: {
            '200': {
              description: 'OK',
              headers: rateLimitHeaders,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Usage' } } },
            },
            ...errors,
          },
        },
      },
    },
  };
  cached = { key, doc };
  return doc;
}
