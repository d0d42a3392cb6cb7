// tRPC instance: context per request, error formatting through the one error table, procedure builders.
import { DomainError } from '@postern/core';
import type { EntityManager } from '@postern/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { ZodError } from 'zod';
import type { ApiDeps } from './deps.ts';
import { codeForTrpc, ERROR_TABLE } from './errors.ts';

export interface Context {
  deps: ApiDeps;
  requestId: string;
  ip: string;
  userAgent: string | undefined;
  /** One EntityManager fork per request. */
  em: EntityManager;
}

export function contextFactory(deps: ApiDeps) {
  return ({ req }: CreateFastifyContextOptions): Context => ({
    deps,
    requestId: String(req.id),
    ip: req.ip,
    userAgent: req.headers['user-agent'],
    em: deps.orm.em.fork(),
  });
}

const t = initTRPC.context<Context>().create({
  // Never send stack traces to clients, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const domain = cause instanceof DomainError ? cause : undefined;
    const zod = cause instanceof ZodError ? cause : undefined;
    const code = domain?.code ?? (zod ? 'VALIDATION_FAILED' : codeForTrpc(error.code));
    const internal = code === 'INTERNAL';
    return {
      message: internal ? 'Internal error' : zod ? 'The input is not valid' : shape.message,
      code: shape.code,
      data: {
        code,
        httpStatus: domain || zod ? ERROR_TABLE[code].http : shape.data.httpStatus,
        path: shape.data.path,
        requestId: ctx?.requestId,
        issues: zod?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      },
    };
  },
});

/** Turns DomainErrors thrown by core into TRPCErrors with the mapped code. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: ERROR_TABLE[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(domainErrors);
export const createCallerFactory = t.createCallerFactory;
