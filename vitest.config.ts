import { defineConfig } from 'vitest/config';

// One run for every package: each has its own vitest.config.ts (a "project").
// Most files wait on PostgreSQL, Redis, SMTP/IMAP servers and child processes rather than on the CPU, so
// two files run at once on a 2-core machine (each has its own database and Redis key prefix; three at
// once made timing-sensitive files — rate-limit refills, SMTP back-off, process start-up — flaky).
// Each project sets `maxWorkers` itself (a project does not inherit it from here); the Chromium suites
// (project `web`) form their own group (sequence.groupOrder) with two at a time.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    maxWorkers: 2,
  },
});
