// The application router: the single source of API types. Clients import only `type AppRouter`.
import { accountRouter } from './routers/account/index.ts';
import { authRouter } from './routers/auth/index.ts';
import { systemRouter } from './routers/system/index.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  account: accountRouter,
});

export type AppRouter = typeof appRouter;
