import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'web',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Chromium is CPU-bound: the browser suites run after the others, two files at a time.
    sequence: { groupOrder: 1 },
    maxWorkers: 2,
  },
});
