// The benchmark's baseline: plain pooled nodemailer sending (packages/mailer's createSmtpSender — the
// same transport, TLS and pool the engine uses, nothing else) of `count` messages of the campaign's
// size to the sink, `inflight` at a time over `connections` connections. Prints { ms, cpuMs } as JSON.
import { readFileSync } from 'node:fs';
import { createSmtpSender } from '../../packages/mailer/src/index.ts';

const [port = '0', caFile = '', count = '0', offset = '0', connections = '3', inflight = '12'] =
  process.argv.slice(2);
const sender = createSmtpSender(
  { host: '127.0.0.1', port: Number(port), security: 'tls' },
  { kind: 'password', user: process.env.SINK_USER ?? '', pass: process.env.SINK_PASSWORD ?? '' },
  {
    resolve: async () => '127.0.0.1',
    ca: readFileSync(caFile, 'utf8'),
    pool: true,
    maxConnections: Number(connections),
  },
);
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
      from: { name: 'Test Sender', address: process.env.SINK_USER ?? 'a@b.c' },
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
