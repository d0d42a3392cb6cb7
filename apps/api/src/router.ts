// The application router: the single source of API types. Clients import only `type AppRouter`.
import { systemRouter } from './routers/system/index.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
