// Shapes of the API's answers, from the router's type (nothing crosses at run time).
import type { AppRouter } from '@postern/api/router';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
