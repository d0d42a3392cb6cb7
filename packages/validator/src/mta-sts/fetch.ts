// Fetching a policy: https://mta-sts.<domain>/.well-known/mta-sts.txt with the certificate verified,
// no redirects, text/plain only, at most `maxBytes`, within `timeoutMs` (RFC 8461 §3.3).
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface FetchOptions {
  port: number;
  timeoutMs: number;
  maxBytes: number;
  /** Resolves (and vets) the policy host. */
  lookup: LookupFunction;
  /** Trusted CAs instead of node's bundle (tests). */
  ca: string | Buffer | (string | Buffer)[] | undefined;
}

/** The policy text of `domain`; rejects with an Error saying why there is none. */
export function fetchPolicy(domain: string, options: FetchOptions): Promise<string> {
  const { port, timeoutMs, maxBytes, lookup } = options;
  const host = `mta-sts.${domain}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, body?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (error) reject(error);
      else resolve(body as string);
    };
    const request = https.request(
      {
        host,
        port,
        path: '/.well-known/mta-sts.txt',
        method: 'GET',
        servername: host,
        rejectUnauthorized: true,
        lookup,
        agent: false,
        headers: { accept: 'text/plain', 'user-agent': 'Postern MTA-STS' },
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (response) => {
        // RFC 8461 §3.3: 200 only, redirects are not followed; the body is text/plain.
        if (response.statusCode !== 200) {
          response.resume();
          return finish(new Error(`${host} answered HTTP ${response.statusCode}`));
        }
        const type = String(response.headers['content-type'] ?? '');
        if (!/^text\/plain\s*(;|$)/i.test(type)) {
          response.resume();
          return finish(new Error(`${host} served the policy as ${JSON.stringify(type)}, not text/plain`));
        }
        const declared = Number(response.headers['content-length']);
        if (declared > maxBytes) return finish(new Error(`the policy is larger than ${maxBytes} bytes`));
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) finish(new Error(`the policy is larger than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => finish(null, Buffer.concat(chunks).toString('utf8')));
        response.on('error', (error) => finish(error));
      },
    );
    const timer = setTimeout(
      () => finish(new Error(`no policy from ${host} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.on('error', (error) => finish(error));
    request.end();
  });
}
