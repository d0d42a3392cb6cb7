// V8 flags each app process starts with — the one list; `./postern up`, the test/bench launcher,
// apps/*/package.json `start` and the Dockerfiles use it (a test checks the last two match).
//
// Worker: V8 grows the young generation up to 64 MB per semi-space under the bulk chunk load, which
// alone took a worker past 512 MB RSS on 1M addresses; 16 MB keeps it under (491 MB) and was no slower
// (bench bulk: 113 s end to end vs 124 s without it).
export const NODE_FLAGS = {
  api: [] as string[],
  worker: ['--max-semi-space-size=16'],
} as const;
