export * from './audit/record.ts';
export * from './auth/index.ts';
export * from './clock.ts';
export * from './crypto/index.ts';
export * from './errors.ts';
export * from './mail/index.ts';
export * from './system/health.ts';
export * from './system/heartbeat.ts';
