// A throwaway certificate authority for tests, made with the openssl binary (node:crypto cannot issue
// X.509 certificates): one CA and a leaf for the given names; `issue` signs leaves for other names
// with the same CA (a certificate for the wrong host, still trusted).
//
//   const certs = createTestCertificates({ hosts: ['localhost', 'mail.example.test'] });
//   startSmtpServer({ certs, ... }); testSmtp(..., { ca: certs.ca, ... });
//   const other = certs.issue(['other.example.test']);   // same CA, another name
//   certs.dispose();
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface KeyAndCertificate {
  /** Private key (PEM). */
  key: string;
  /** Leaf certificate (PEM), signed by the CA. */
  cert: string;
}

export interface TestCertificates extends KeyAndCertificate {
  /** The CA certificate (PEM): what clients trust (`ConnectOptions.ca`). */
  ca: string;
  /** A key and certificate for other names (DNS names or IP addresses), signed by the same CA. */
  issue(hosts: string[]): KeyAndCertificate;
  /** Removes the temporary folder holding the CA key. */
  dispose(): void;
}

export function createTestCertificates(options: { hosts: string[] }): TestCertificates {
  if (options.hosts.length === 0) throw new Error('createTestCertificates: give at least one host');
  const dir = mkdtempSync(path.join(tmpdir(), 'postern-mailer-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Postern Mailer Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  let serial = 0;
  const issue = (hosts: string[]): KeyAndCertificate => {
    const n = ++serial;
    const san = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    writeFileSync(
      file(`leaf${n}.ext`),
      `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
    );
    openssl(
      'req',
      ...ec,
      '-keyout',
      file(`leaf${n}.key`),
      '-out',
      file(`leaf${n}.csr`),
      '-subj',
      `/CN=${hosts[0]}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      file(`leaf${n}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-set_serial',
      String(1000 + n),
      '-days',
      '2',
      '-extfile',
      file(`leaf${n}.ext`),
      '-out',
      file(`leaf${n}.pem`),
    );
    return {
      key: readFileSync(file(`leaf${n}.key`), 'utf8'),
      cert: readFileSync(file(`leaf${n}.pem`), 'utf8'),
    };
  };
  const leaf = issue(options.hosts);
  return {
    ca: readFileSync(file('ca.pem'), 'utf8'),
    ...leaf,
    issue,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
