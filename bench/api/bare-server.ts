// The baseline of the api benchmark: a bare Fastify 5 server (no plugins, no hooks, no logger) with
// one route answering a small JSON object, run in its own process like the API. The port comes from
// PORT; it prints `listening <address>` once it accepts connections.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

interface BareFastify {
  get(path: string, handler: () => Promise<unknown>): void;
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<void>;
}

// fastify is a dependency of apps/api, not of the root package: resolve it from there, so the
// baseline runs the very same Fastify as the API.
const require = createRequire(new URL('../../apps/api/package.json', import.meta.url));
const { default: Fastify } = (await import(pathToFileURL(require.resolve('fastify')).href)) as {
  default: (options?: Record<string, unknown>) => BareFastify;
};

const app = Fastify({ logger: false });
app.get('/bare', async () => ({ status: 'ok', service: 'bare' }));

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`listening ${address}\n`);

process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
