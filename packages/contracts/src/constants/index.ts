// @postern/contracts/constants: the contract's values without zod, for the dashboard's first bundle
// and the SDK. The root entry re-exports all of them next to the schemas.
export * from './api-keys.ts';
export * from './audit.ts';
export * from './auth.ts';
export * from './bulk.ts';
export * from './bulk-rows.ts';
export * from './date-range.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './limits.ts';
export * from './policies.ts';
export * from './webhooks.ts';
export * from './workspaces.ts';
