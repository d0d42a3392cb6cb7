// Kept only for retention/policy.ts, which imports the purge from here: bulk jobs are split by phase
// into create.ts, process.ts, read.ts and lifecycle.ts. Import from './index.ts' (or those) instead.
export { purgeExpiredBulkJobs } from './lifecycle.ts';
