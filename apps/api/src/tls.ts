// The API's own HTTPS (TLS_CERT_FILE/TLS_KEY_FILE): TLS 1.3 only, and a certificate reload on SIGHUP
// that swaps the secure context for new handshakes while open connections keep theirs.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { type Config, ConfigError, type Logger } from '@postern/runtime';

export type TlsFiles = NonNullable<Config['tls']>;

/** TLS 1.3 only, as SPEC §13 promises: a client limited to TLS 1.2 is refused at the handshake. */
export const TLS_MIN_VERSION = 'TLSv1.3';

/**
 * Reads and checks the certificate and key, so a missing file, a file that is not PEM or a key that
 * does not match fails start-up (or a reload) with the setting named rather than at the first handshake.
 */
export function readTlsFiles(files: TlsFiles): { cert: Buffer; key: Buffer } {
  const cert = readSetting('TLS_CERT_FILE', files.certFile);
  const key = readSetting('TLS_KEY_FILE', files.keyFile);
  // Each file alone first, so the error names the file that is wrong, then the pair.
  usable('TLS_CERT_FILE', `${files.certFile} is not a PEM certificate`, { cert });
  usable('TLS_KEY_FILE', `${files.keyFile} is not a PEM private key`, { key });
  usable('TLS_CERT_FILE', `${files.certFile} does not match TLS_KEY_FILE`, { cert, key });
  return { cert, key };
}

function usable(setting: string, problem: string, options: SecureContextOptions) {
  try {
    createSecureContext({ ...options, minVersion: TLS_MIN_VERSION });
  } catch (error) {
    throw new ConfigError(setting, `${problem} (${(error as Error).message})`);
  }
}

function readSetting(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(setting, `cannot read ${path} (${code})`);
  }
}

/** Options for Fastify's `https`; `handshakeTimeout` keeps a silent connection from holding a shutdown for 2 minutes. */
export function httpsOptions(files: TlsFiles) {
  return { ...readTlsFiles(files), minVersion: TLS_MIN_VERSION, handshakeTimeout: 10_000 } as const;
}

/**
 * On SIGHUP re-reads both files and installs them for new handshakes; a bad file is logged and the
 * old certificate stays. Returns the function that removes the handler (on shutdown).
 */
export function reloadOnSighup(server: Server, files: TlsFiles, logger: Logger): () => void {
  const reload = () => {
    try {
      const context: SecureContextOptions = { ...readTlsFiles(files), minVersion: TLS_MIN_VERSION };
      server.setSecureContext(context);
      logger.info({ certFile: files.certFile }, 'reloaded TLS certificate');
    } catch (error) {
      logger.error({ err: error }, 'TLS certificate reload failed; still serving the previous one');
    }
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}
