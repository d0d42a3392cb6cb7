import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'admin',
    // Two files at once: they wait on PostgreSQL, Redis and servers more than on the CPU (see the root config).
    maxWorkers: 2,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
