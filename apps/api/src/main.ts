// Entry point of the API process.
import { loadConfig, runMain } from '@postern/runtime';
import { startApi } from './start.ts';

runMain('api', async () => {
  await startApi(loadConfig());
});
