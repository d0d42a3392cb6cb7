export type { ApiDeps } from './deps.ts';
export type { AppRouter } from './router.ts';
export { buildServer } from './server.ts';
