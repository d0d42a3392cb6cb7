// The simulated mail world in a process of its own (forked by index.ts): the DNS server and the 20 SMTP
// servers. Apart from the prober, their 50 ms reply timers are not delayed by the prober's own work,
// as a remote server's would not be. Talks over the IPC channel: `ready` (ports), then answers
// `stats`, `reset` and `close`.
import { startDnsServer } from '../../packages/validator/test/support/dns-server.ts';
import { startBenchServers } from './servers.ts';
import { DELAY_MS, exists, HOSTS, hostAddress, MAX_CONNECTIONS, zones } from './shape.ts';

const dns = await startDnsServer(zones());
const servers = await startBenchServers({
  hosts: Array.from({ length: HOSTS }, (_, j) => hostAddress(j)),
  delayMs: DELAY_MS,
  maxConnections: MAX_CONNECTIONS,
  exists,
});
const send = (message: object) => process.send?.(message);
process.on('message', async (message: { type: string }) => {
  if (message.type === 'stats') {
    const stats = servers.stats();
    send({ type: 'stats', stats: { ...stats, heloNames: [...stats.heloNames] } });
  } else if (message.type === 'reset') {
    servers.reset();
    send({ type: 'reset' });
  } else if (message.type === 'close') {
    await servers.close();
    await dns.close();
    process.exit(0);
  }
});
send({ type: 'ready', port: servers.port, dns: dns.address });
