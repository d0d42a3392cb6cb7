// The benchmark's baselines: `count` messages of the campaign's size to the sink, `inflight` at a time
// over `connections` pooled connections, then { ms, cpuMs } as JSON on stdout. Two kinds:
//   nodemailer  plain pooled nodemailer (createTransport({ pool: true }).sendMail), the baseline the
//               issue names: nodemailer composes and streams each message itself.
//   mailer      packages/mailer's createSmtpSender — the same transport, TLS and pool the engine
//               uses, which composes each message whole and sends it as one buffer (fewer writes and
//               TLS records than plain nodemailer): the stricter reference.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createSmtpSender, type OutboundMessage } from '../../packages/mailer/src/index.ts';

const [
  port = '0',
  caFile = '',
  count = '0',
  offset = '0',
  connections = '3',
  inflight = '12',
  kind = 'mailer',
] = process.argv.slice(2);
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
const body = (i: number) =>
  `<html><body><h1>Hello Person ${i}</h1><p>Your plan: pro</p>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(8)}` +
  '<div style="margin-top:32px;color:#666;font-size:12px">You receive this because you subscribed to Weekly News. <a href="https://postern.test/p/u/xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxx">Unsubscribe</a></div></body></html>';
let next = 0;
const total = Number(count);
const started = performance.now();
async function lane() {
  while (next < total) {
    const i = Number(offset) + next++;
    await sender.send({
      from: { name: 'Test Sender', address: user || 'a@b.c' },
      to: `raw${i}@bench.test`,
      subject: `News for Person ${i}`,
      html: body(i),
      text: `Hello Person ${i}\n\nYour plan: pro\n`,
      headers: {
        'List-Unsubscribe': '<https://postern.test/p/u/x>, <mailto:unsubscribe+x@postern.test>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
  }
}
await Promise.all(Array.from({ length: Number(inflight) }, lane));
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ ms: Math.round(performance.now() - started), cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000) })}\n`,
);
sender.close();
process.exit(0);
