// Graceful stop on SIGTERM/SIGINT: run the stop routine once, and exit non-zero if it overruns.
import type { Logger } from './logger.ts';

export function onShutdown(options: {
  logger: Logger;
  timeoutMs: number;
  stop: (signal: string) => Promise<void>;
}) {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'shutting down gracefully');
    const timer = setTimeout(() => {
      options.logger.error({ timeoutMs: options.timeoutMs }, 'graceful shutdown timed out; exiting');
      process.exit(1);
    }, options.timeoutMs);
    timer.unref();
    options
      .stop(signal)
      .then(() => {
        options.logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        options.logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
