// The shapes the /v1 resource routes (campaigns, contacts, lists, suppressions, contact imports) share,
// so each resource file only says what differs: a keyset-paged list (cursor + limit; 400 for a cursor
// this API did not return), a route on one resource by its path id (404 for a malformed id and for
// another workspace's, as for none), and an idempotent creation (Idempotency-Key, 201; 200 on a
// replay). Every route declares its scope; the OpenAPI document is generated from the schemas built here.
import type { ApiKeyScope } from '@postern/contracts';
import type { CoreContext } from '@postern/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { idempotencyHeaders, idempotentCreate } from './contacts-idempotency.ts';
import { idempotencyErrors, invalidInput, keyContext, notFoundErrors, ZIdParams } from './contacts-shared.ts';
import { authErrors, ok, withError } from './schemas.ts';

/** The core context a route acts in, and the key's workspace. */
export interface Key {
  ctx: CoreContext;
  workspaceId: string;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
/** A request whose path, query and body the route's schemas have validated. */
export type Req<P, Q = undefined, B = undefined> = FastifyRequest<{
  Params: Out<P>;
  Querystring: Out<Q>;
  Body: Out<B>;
}>;
type Responses = Record<number, unknown>;

interface Operation<P, Q, B> {
  path: string;
  scope: ApiKeyScope;
  operationId: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
}

interface Route<P, Q, B> extends Operation<P, Q, B> {
  method: 'get' | 'post' | 'patch' | 'delete';
  headers?: Schema;
  response: Responses;
  handle(key: Key, req: Req<P, Q, B>, reply: FastifyReply): unknown;
}

/** A keyset page of the workspace's resources, or of the one named in the path (`of`: 404 when none). */
export interface ListRoute<P, Q> extends Operation<P, Q, undefined> {
  query: Q;
  page: Schema;
  of?: string;
  /** The 422 answer, when not the usual one. */
  invalidQuery?: unknown;
  list(key: Key, req: Req<P, Q>): Promise<unknown>;
}

/** A route on one resource named by the path id (`what` names it in the 404). */
export interface MemberRoute<P, Q, B> extends Operation<P, Q, B> {
  what: string;
  /** The 200 answer's schema, or the description of a 204. */
  answer: Schema | { noContent: string };
  errors?: Responses;
  handle(key: Key, req: Req<P, Q, B>): Promise<unknown>;
}

/** A POST that creates, under the request's Idempotency-Key when one is sent. */
export interface CreateRoute<P, B> extends Operation<P, undefined, B> {
  body: B;
  result: Schema;
  /** The description of the 201 (default "Created") and of the 200 of a replay. */
  created?: string;
  replayed: string;
  /** The errors every route of the path has (default authErrors) and any beyond the idempotency ones. */
  base?: Responses;
  errors?: Responses;
  /** Makes the resource; `ref` names it for a replay. */
  run(key: Key, req: Req<P, undefined, B>): Promise<{ body: unknown; ref: string }>;
  /** What a replay of `ref` answers (read with a fresh context). */
  replay(key: Key, ref: string, req: Req<P, undefined, B>): Promise<unknown>;
}

/** `run`/`replay` of a creation that makes one resource with an id, read again on a replay. */
export function madeById<B, T extends { id: string }>(
  create: (ctx: CoreContext, workspaceId: string, body: B) => Promise<T>,
  read: (ctx: CoreContext, workspaceId: string, id: string) => Promise<unknown>,
) {
  return {
    run: async (key: Key, req: { body: B }) => {
      const made = await create(key.ctx, key.workspaceId, req.body);
      return { body: made, ref: made.id };
    },
    replay: (key: Key, id: string) => read(key.ctx, key.workspaceId, id),
  };
}

/** The builders of a plugin's routes; `keyOf` is the context of the API key (keyContext by default). */
export function resourceRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  keyOf: (req: FastifyRequest) => Key = (req) => keyContext(deps, req),
) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  function route<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(
    r: Route<P, Q, B>,
  ) {
    routes.route({
      method: r.method.toUpperCase() as 'GET',
      url: r.path,
      config: { scope: r.scope },
      schema: {
        operationId: r.operationId,
        summary: r.summary,
        ...(r.description === undefined ? {} : { description: r.description }),
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { querystring: r.query } : {}),
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.body ? { body: r.body } : {}),
        response: r.response,
      },
      handler: (req, reply) => r.handle(keyOf(req), req as unknown as Req<P, Q, B>, reply),
    });
  }

  function list<P extends Schema | undefined, Q extends Schema>(r: ListRoute<P, Q>) {
    route<P, Q, undefined>({
      ...r,
      method: 'get',
      response: {
        200: ok(r.page),
        ...(r.of ? notFoundErrors(r.of) : authErrors),
        400: withError('The cursor is not one this API returned'),
        422: r.invalidQuery ?? invalidInput('a query parameter'),
      },
      handle: (key, req) => r.list(key, req),
    });
  }

  function member<
    P extends Schema = typeof ZIdParams,
    Q extends Schema | undefined = undefined,
    B extends Schema | undefined = undefined,
  >(method: Route<P, Q, B>['method'], r: MemberRoute<P, Q, B>) {
    const { answer } = r;
    const noContent = 'noContent' in answer ? answer.noContent : undefined;
    route<P, Q, B>({
      ...r,
      method,
      params: r.params ?? (ZIdParams as unknown as P),
      response: {
        ...(noContent === undefined
          ? { 200: ok(answer as Schema) }
          : { 204: z.undefined().describe(noContent) }),
        ...notFoundErrors(r.what),
        ...r.errors,
      },
      handle: async (key, req, reply) => {
        const body = await r.handle(key, req);
        return noContent === undefined ? body : reply.code(204).send();
      },
    });
  }

  function create<P extends Schema | undefined, B extends Schema>(r: CreateRoute<P, B>) {
    route<P, undefined, B>({
      ...r,
      method: 'post',
      headers: idempotencyHeaders,
      response: {
        201: ok(r.result, r.created ?? 'Created'),
        200: ok(r.result, r.replayed),
        ...(r.base ?? authErrors),
        ...idempotencyErrors,
        ...r.errors,
      },
      handle: (key, req, reply) =>
        idempotentCreate({
          deps,
          req,
          reply,
          workspaceId: key.workspaceId,
          body: req.body,
          run: () => r.run(key, req),
          replay: (ref) => r.replay(keyOf(req), ref, req),
        }),
    });
  }

  return { route, list, member, create };
}

export type ResourceRoutes = ReturnType<typeof resourceRoutes>;
