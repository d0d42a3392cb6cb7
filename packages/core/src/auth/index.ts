export * from './accounts.ts';
export * from './deletion-pending.ts';
export * from './devices.ts';
export * from './disabled.ts';
export * from './passwords.ts';
export * from './sessions.ts';
export * from './throttle.ts';
export * from './two-factor.ts';
