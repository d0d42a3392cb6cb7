export * from './config.ts';
export * from './kv-store.ts';
export * from './logger.ts';
export * from './node-flags.ts';
export * from './queue.ts';
export * from './shutdown.ts';
export * from './startup.ts';
