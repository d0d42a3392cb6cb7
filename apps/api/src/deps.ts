// What the API process is built from: created once in main.ts (or by a test) and passed down.
import type { Clock } from '@postern/core';
import type { MikroORM } from '@postern/db';
import type { Config, KvStore, Logger } from '@postern/runtime';

export interface ApiDeps {
  config: Config;
  orm: MikroORM;
  kv: KvStore;
  logger: Logger;
  clock: Clock;
  version: string;
  startedAt: Date;
}
