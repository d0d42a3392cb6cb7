import { defineConfig } from 'vitest/config';

// One run for every package: each has its own vitest.config.ts (a "project").
// Most files wait on PostgreSQL, Redis, SMTP/IMAP servers and child processes rather than on the CPU, so
// three files run at once even on a 2-core machine (each has its own database and Redis key prefix);
// the Chromium suites (project `web`) run afterwards in their own group with their own limit.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    maxWorkers: 3,
  },
});
