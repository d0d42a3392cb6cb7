// Entry point of the worker daemon.
import { loadConfig, runMain } from '@postern/runtime';
import { startWorker } from './start.ts';

runMain('worker', async () => {
  await startWorker(loadConfig());
});
