export type { AppRouter } from './router.ts';
export { buildServer } from './server.ts';
export type { ApiDeps } from './deps.ts';
