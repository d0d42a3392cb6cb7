// The world of the end-to-end bulk tests: a local DNS server (nothing leaves loopback), the in-process
// API listening on a port, a signed-up account with an API key, and a real worker process; plus the
// requests those tests make.
import type { BulkJobDto } from '@postern/contracts';
import type { SpawnedApp } from '@postern/runtime/testing';
import {
  startDnsServer,
  type TestDnsServer,
} from '../../../../packages/validator/test/support/dns-server.ts';
import { type Account, createApiKey, listen, multipart, startWorker } from './bulk.ts';
import { type Harness, newAccount, startHarness } from './harness.ts';

type Injected = Awaited<ReturnType<Harness['app']['inject']>>;

export interface BulkWorld {
  h: Harness;
  account: Account;
  key: string;
  baseUrl: string;
  auth(): { authorization: string };
  api(method: 'GET' | 'POST' | 'DELETE', url: string): Promise<Injected>;
  uploadCsv(csv: string, fields?: [string, string][], headers?: Record<string, string>): Promise<Injected>;
  waitForStatus(jobId: string, statuses: string[], timeoutMs?: number): Promise<BulkJobDto>;
  close(): Promise<void>;
}

export async function startBulkWorld(): Promise<BulkWorld> {
  const dns: TestDnsServer = await startDnsServer({
    'postern-good.com': { mx: [{ exchange: 'mx.postern-good.com', priority: 10, ttl: 600 }] },
    'postern-nullmx.org': { mx: [{ exchange: '.', priority: 0 }] },
    'postern-broken.com': { rcode: 'SERVFAIL' },
    '*.postern-slow.com': { delayMs: 150, mx: [{ exchange: 'mx.postern-slow.com', priority: 10, ttl: 600 }] },
    // MX hosts need an address: an MX whose hosts have none is a dangling MX (no_mail_host).
    'mx.postern-good.com': { a: ['192.0.2.25'] },
    'mx.postern-slow.com': { a: ['192.0.2.26'] },
  });
  const h = await startHarness();
  const account = await newAccount(h.app);
  const key = await createApiKey(account);
  const baseUrl = await listen(h);
  const worker: SpawnedApp = await startWorker(h, dns.address);
  const auth = () => ({ authorization: `Bearer ${key}` });
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string) =>
    h.app.inject({ method, url, headers: auth() });
  return {
    h,
    account,
    key,
    baseUrl,
    auth,
    api,
    uploadCsv(csv, fields = [], headers = {}) {
      const body = multipart([...fields, { content: csv, filename: 'customers.csv' }]);
      return h.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { ...auth(), 'content-type': body.contentType, ...headers },
        payload: body.payload,
      });
    },
    async waitForStatus(jobId, statuses, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = (await api('GET', `/v1/jobs/${jobId}`)).json() as BulkJobDto;
        if (statuses.includes(job.status)) return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} stayed ${job.status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await worker.stop();
      await h.close();
      await dns.close();
    },
  };
}

/** Addresses at a DNS server that answers after 150 ms (a job that stays running for a while). */
export const slowAddresses = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag}${i}@d${i}.${tag}.postern-slow.com`);
