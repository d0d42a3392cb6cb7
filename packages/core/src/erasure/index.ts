export * from './account-deletion.ts';
export * from './erase.ts';
export * from './erasure-job.ts';
export * from './messages.ts';
export * from './registry.ts';
