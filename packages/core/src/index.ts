export * from './clock.ts';
export * from './errors.ts';
export * from './system/health.ts';
export * from './system/heartbeat.ts';
