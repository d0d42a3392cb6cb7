// The API's own HTTPS: TLS 1.3 only, HSTS, a certificate reload on SIGHUP that new handshakes see
// while a connection opened before keeps working, and bad files named at start-up.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionOptions, connect, type TLSSocket } from 'node:tls';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { freePort, type SpawnedApp, spawnApp } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A throwaway CA and two server certificates (for localhost and 127.0.0.1) it signed, made with openssl. */
function makeCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=Postern test CA',
  );
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  for (const name of ['old', 'new']) {
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=localhost ${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      'san.cnf',
    );
  }
  return { ca: readFileSync(join(dir, 'ca.crt')) };
}

function tlsConnect(port: number, options: ConnectionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () =>
      resolve(socket),
    );
    socket.once('error', reject);
  });
}

/** One keep-alive HTTP/1.1 GET on an open socket: status line, headers and body. */
function get(socket: TLSSocket, path: string): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (Buffer.byteLength(text.slice(end + 4)) < length) return;
      socket.off('data', onData);
      resolve({ head: text.slice(0, end), body: text.slice(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('API over HTTPS', () => {
  let db: TestDatabase;
  let api: SpawnedApp;
  let dir: string;
  let ca: Buffer;
  let port: number;
  const certFile = () => join(dir, 'server.crt');
  const keyFile = () => join(dir, 'server.key');
  const fingerprint = (name: string) =>
    execFileSync('openssl', ['x509', '-in', join(dir, `${name}.crt`), '-noout', '-fingerprint', '-sha256'])
      .toString()
      .split('=')[1]
      ?.trim();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'postern-tls-'));
    ({ ca } = makeCertificates(dir));
    copyFileSync(join(dir, 'old.crt'), certFile());
    copyFileSync(join(dir, 'old.key'), keyFile());
    db = await createTestDatabase();
    port = await freePort();
    api = await spawnApp('api', {
      DATABASE_URL: db.url,
      PORT: String(port),
      PUBLIC_URL: `https://localhost:${port}`,
      TLS_CERT_FILE: certFile(),
      TLS_KEY_FILE: keyFile(),
    });
    await api.waitForLine(/api ready/, 30_000);
  }, 60_000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a client that speaks at most TLS 1.2', async () => {
    await expect(tlsConnect(port, { ca, maxVersion: 'TLSv1.2' })).rejects.toThrow(
      /protocol version|unsupported protocol/i,
    );
  });

  it('answers /healthz over TLS 1.3 with HSTS', async () => {
    const socket = await tlsConnect(port, { ca, minVersion: 'TLSv1.3' });
    expect(socket.getProtocol()).toBe('TLSv1.3');
    const { head, body } = await get(socket, '/healthz');
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(/\r\nstrict-transport-security: max-age=\d+/i);
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
    socket.destroy();
  });

  it('serves the new certificate after SIGHUP while a connection opened before keeps working', async () => {
    const kept = await tlsConnect(port, { ca });
    expect(kept.getPeerCertificate().fingerprint256).toBe(fingerprint('old'));
    expect((await get(kept, '/healthz')).head).toMatch(/^HTTP\/1\.1 200/);

    copyFileSync(join(dir, 'new.crt'), certFile());
    copyFileSync(join(dir, 'new.key'), keyFile());
    api.proc.kill('SIGHUP');
    await api.waitForLine(/reloaded TLS certificate/);

    const fresh = await tlsConnect(port, { ca });
    expect(fresh.getPeerCertificate().fingerprint256).toBe(fingerprint('new'));
    expect((await get(fresh, '/healthz')).head).toMatch(/^HTTP\/1\.1 200/);
    // The keep-alive connection from before the reload is still open and still answered.
    expect(kept.destroyed).toBe(false);
    expect((await get(kept, '/healthz')).head).toMatch(/^HTTP\/1\.1 200/);
    fresh.destroy();
    kept.destroy();
  });

  it('keeps the current certificate when a reload finds a bad file', async () => {
    writeFileSync(certFile(), 'not a certificate\n');
    api.proc.kill('SIGHUP');
    await api.waitForLine(/TLS certificate reload failed/);
    const socket = await tlsConnect(port, { ca });
    expect(socket.getPeerCertificate().fingerprint256).toBe(fingerprint('new'));
    expect((await get(socket, '/healthz')).head).toMatch(/^HTTP\/1\.1 200/);
    socket.destroy();
    expect(api.proc.exitCode).toBeNull();
  });

  it('closes idle TLS connections (silent or kept alive) on SIGTERM and exits at once', async () => {
    const kept = await tlsConnect(port, { ca });
    expect((await get(kept, '/healthz')).head).toMatch(/^HTTP\/1\.1 200/);
    const silent = await tlsConnect(port, { ca });
    const closed = (socket: TLSSocket) =>
      new Promise((resolve) => (socket.destroyed ? resolve(true) : socket.once('close', resolve)));
    const started = Date.now();
    api.proc.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    await Promise.all([closed(kept), closed(silent)]);
  });
});

describe('API start-up with bad TLS files', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'postern-tls-bad-'));
    makeCertificates(dir);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function startFails(env: Record<string, string>) {
    const api = await spawnApp('api', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      ...env,
    });
    expect(await api.exited).toBe(1);
    const errors = api.lines.filter((line) => line.startsWith('postern '));
    expect(errors).toHaveLength(1);
    expect(api.lines.join('\n')).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    return errors[0] ?? '';
  }

  it('names TLS_CERT_FILE when the certificate file is missing', async () => {
    const line = await startFails({
      TLS_CERT_FILE: join(dir, 'missing.crt'),
      TLS_KEY_FILE: join(dir, 'old.key'),
    });
    expect(line).toMatch(/TLS_CERT_FILE: cannot read .*missing\.crt \(ENOENT\)/);
  });

  it('names TLS_CERT_FILE when the certificate does not match the key', async () => {
    const line = await startFails({
      TLS_CERT_FILE: join(dir, 'old.crt'),
      TLS_KEY_FILE: join(dir, 'new.key'),
    });
    expect(line).toMatch(/TLS_CERT_FILE: .* does not match TLS_KEY_FILE/);
  });

  it('names TLS_KEY_FILE when the key file holds no key', async () => {
    const line = await startFails({
      TLS_CERT_FILE: join(dir, 'old.crt'),
      TLS_KEY_FILE: join(dir, 'old.crt'),
    });
    expect(line).toMatch(/TLS_KEY_FILE: .*old\.crt is not a PEM private key/);
  });

  it('names TLS_KEY_FILE when only the certificate is set', async () => {
    const line = await startFails({ TLS_CERT_FILE: join(dir, 'old.crt') });
    expect(line).toMatch(/TLS_KEY_FILE: is required with TLS_CERT_FILE/);
  });
});
