// The benchmark's baselines: the engine's own messages (composed by the bench before the run, a JSON
// array in `messagesFile`) sent `inflight` at a time over `connections` pooled connections, then
// { ms, cpuMs } (CPU from the first message on) as JSON on stdout. Two kinds:
//   nodemailer  plain pooled nodemailer (createTransport({ pool: true, maxConnections }).sendMail,
//               nodemailer's other defaults): the baseline the issue names.
//   mailer      packages/mailer's createSmtpSender — the same transport, TLS and pool the engine uses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createSmtpSender, type OutboundMessage } from '../../packages/mailer/src/index.ts';

const [port = '0', caFile = '', messagesFile = '', connections = '3', inflight = '12', kind = 'mailer'] =
  process.argv.slice(2);
const ca = readFileSync(caFile, 'utf8');
const user = process.env.SINK_USER ?? '';
const pass = process.env.SINK_PASSWORD ?? '';

/** Sends one message; resolves when the server accepted it. */
function sendFunction(): { send: (m: OutboundMessage) => Promise<unknown>; close: () => void } {
  if (kind === 'nodemailer') {
    // nodemailer is packages/mailer's dependency, not the root package's: reached from there.
    const nodemailer = createRequire(new URL('../../packages/mailer/package.json', import.meta.url))(
      'nodemailer',
    ) as {
      createTransport(options: object): {
        sendMail(message: object): Promise<unknown>;
        close(): void;
      };
    };
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: Number(connections),
      host: '127.0.0.1',
      port: Number(port),
      secure: true,
      auth: { user, pass },
      tls: { ca },
    });
    return { send: (m) => transport.sendMail(m), close: () => transport.close() };
  }
  const sender = createSmtpSender(
    { host: '127.0.0.1', port: Number(port), security: 'tls' },
    { kind: 'password', user, pass },
    { resolve: async () => '127.0.0.1', ca, pool: true, maxConnections: Number(connections) },
  );
  return { send: (m) => sender.send(m), close: () => sender.close() };
}
const sender = sendFunction();
const messages = JSON.parse(readFileSync(messagesFile, 'utf8')) as OutboundMessage[];
let next = 0;
const started = performance.now();
const cpuStart = process.cpuUsage();
async function lane() {
  while (next < messages.length) await sender.send(messages[next++] as OutboundMessage);
}
await Promise.all(Array.from({ length: Number(inflight) }, lane));
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({ ms: Math.round(performance.now() - started), cpuMs: Math.round((cpu.user + cpu.system) / 1000) })}\n`,
);
sender.close();
process.exit(0);
