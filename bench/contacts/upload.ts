// The import half of the contacts benchmark: the CSV (email, name, two attributes; every address
// unique) written to a temporary file, streamed as multipart/form-data to the real endpoint
// (POST /v1/contact-imports), then the import followed until it ends.

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import { request } from '../lib.ts';

export const log = (line: string) => process.stderr.write(`contacts: ${line}\n`);

const CITIES = ['Lyon', 'Oslo', 'Porto', 'Ghent', 'Turin', 'Graz', 'Cork', 'Brno'];
const PLANS = ['free', 'pro', 'team', 'enterprise'];

/** Writes `rows` data rows; returns the file's size. */
export async function writeContacts(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  let buffer = 'email,name,plan,city\n';
  for (let i = 0; i < rows; i++) {
    buffer += `person.${i}@d${i % 5000}.example.com,Person ${i},${PLANS[i % 4]},${CITIES[i % 8]}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return (await stat(file)).size;
}

/** Streams the file with the import's fields to /v1/contact-imports; returns the import's id. */
export function uploadImport(
  base: string,
  apiKey: string,
  fields: Record<string, string>,
  file: string,
): Promise<string> {
  const boundary = `----postern-bench-${Date.now()}`;
  const head = Object.entries(fields)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('');
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="contacts.csv"\r\nContent-Type: text/csv\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/v1/contact-imports`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          if (res.statusCode !== 201) return reject(new Error(`upload: HTTP ${res.statusCode} ${text}`));
          resolve((JSON.parse(text) as { importId: string }).importId);
        });
      },
    );
    req.on('error', reject);
    req.write(head + fileHead);
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    stream.on('error', reject);
    stream.on('end', () => req.end(`\r\n--${boundary}--\r\n`));
    stream.pipe(req, { end: false });
  });
}

export interface ImportState {
  status: string;
  counts: { rows: number; processed: number; imported: number; skipped: number };
  error: string | null;
}

/** Polls the import every 250 ms until it ends. */
export async function waitForImport(
  agent: http.Agent,
  base: string,
  apiKey: string,
  id: string,
  onProgress: (state: ImportState) => void,
): Promise<ImportState> {
  for (;;) {
    const res = await request(agent, base, 'GET', `/v1/contact-imports/${id}`, {
      authorization: `Bearer ${apiKey}`,
    });
    if (res.status !== 200) throw new Error(`GET import: HTTP ${res.status} ${res.body}`);
    const state = JSON.parse(res.body) as ImportState;
    onProgress(state);
    if (['completed', 'failed', 'cancelled'].includes(state.status)) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
}
