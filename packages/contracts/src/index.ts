export * from './api-keys.ts';
export * from './audit.ts';
export * from './auth.ts';
export * from './errors.ts';
export * from './health.ts';
export * from './queues.ts';
export * from './validation.ts';
export * from './workspaces.ts';
