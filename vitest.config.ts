import { defineConfig } from 'vitest/config';

// One run for every package: each has its own vitest.config.ts (a "project").
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
