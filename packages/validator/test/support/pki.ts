// A throwaway certificate authority for tests, made with the openssl binary at test time (node:crypto
// cannot issue X.509 certificates): one CA, and leaf certificates for the names a test needs.
//
//   const pki = createTestPki();
//   const leaf = pki.issue(['mx.example.test', 'mta-sts.example.test']);
//   https.createServer({ key: leaf.key, cert: leaf.cert }); fetch with { ca: pki.ca }
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestPki {
  /** The CA certificate (PEM): what clients trust. */
  ca: string;
  /** A key and a certificate (PEM) for these DNS names (and IP addresses), signed by the CA. */
  issue(names: string[]): { key: string; cert: string };
  dispose(): void;
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'postern-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Postern Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  let serial = 0;
  return {
    ca: readFileSync(file('ca.pem'), 'utf8'),
    issue(names) {
      const n = ++serial;
      const san = names.map((name) => (/^[\d.]+$|:/.test(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
      writeFileSync(
        file(`leaf${n}.ext`),
        `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
      );
      openssl(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        file(`leaf${n}.key`),
        '-out',
        file(`leaf${n}.csr`),
        '-subj',
        `/CN=${names[0]}`,
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
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
