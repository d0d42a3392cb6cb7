// The instance operator console's domain (`postern admin …`, apps/admin); a dashboard for instance
// admins could reuse it.
export * from './audit.ts';
export * from './lookup.ts';
export * from './messages.ts';
export * from './notify.ts';
export * from './users.ts';
export * from './verify.ts';
export * from './workspaces.ts';
