// V8 flags each app process starts with — the one list; `./postern up`, the test/bench launcher,
// apps/*/package.json `start` and the Dockerfiles use it (a test checks the last two match).
//
// Worker: V8 grows the young generation up to 64 MB per semi-space under the bulk chunk load, which
// alone took a worker past 512 MB RSS on 1M addresses; 16 MB keeps it under and was no slower. With
// the default old-space limit V8 also let garbage pile up to a 388–511 MB peak (bench bulk, 1M
// addresses); a 384 MB limit makes it collect sooner: ~270 MB peak, 20–23 s of processing instead of
// 16–19 s. The live set is far below it (the DNS cache of 100k domains is ~40 MB, a chunk's results
// a few MB).
export const NODE_FLAGS = {
  api: [] as string[],
  worker: ['--max-semi-space-size=16', '--max-old-space-size=384'],
} as const;
