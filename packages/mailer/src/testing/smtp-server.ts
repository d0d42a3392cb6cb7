// A real SMTP server (smtp-server) for tests on 127.0.0.1 and a free port: implicit TLS, STARTTLS,
// or — to prove the client refuses it — no TLS at all. AUTH PLAIN/LOGIN against `users` (+ XOAUTH2
// when `xoauth2` is given). Records connections, every AUTH attempt (never the password) and the
// messages received.
//
//   const smtp = await startSmtpServer({ users: { alice: 'pw' }, tls: 'starttls', certs });
//   ... smtp.port, smtp.messages[0].raw, smtp.authAttempts ...
//   await smtp.close();
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { KeyAndCertificate } from './certificates.ts';

export interface ReceivedMessage {
  from: string | null;
  to: string[];
  raw: Buffer;
}

export interface AuthAttempt {
  method: string;
  user: string | undefined;
  ok: boolean;
}

export interface TestSmtpServer {
  host: '127.0.0.1';
  port: number;
  messages: ReceivedMessage[];
  authAttempts: AuthAttempt[];
  /** TCP connections that reached the SMTP session. */
  connections(): number;
  close(): Promise<void>;
}

export interface StartSmtpServerOptions {
  users: Record<string, string>;
  /** implicit: TLS from the first byte; starttls: plain port offering STARTTLS; none: no STARTTLS offered. */
  tls: 'implicit' | 'starttls' | 'none';
  /** Key and certificate presented (a leaf from createTestCertificates). Not needed for tls 'none'. */
  certs?: KeyAndCertificate;
  /** Accept XOAUTH2 when this returns true. */
  xoauth2?: (user: string, token: string) => boolean;
  /** Host name in the greeting. */
  name?: string;
}

const address = (a: SMTPServerAddress | false) => (a ? a.address : null);

export async function startSmtpServer(options: StartSmtpServerOptions): Promise<TestSmtpServer> {
  if (options.tls !== 'none' && !options.certs) throw new Error('startSmtpServer: certs are needed for TLS');
  const messages: ReceivedMessage[] = [];
  const authAttempts: AuthAttempt[] = [];
  let connections = 0;
  const server = new SMTPServer({
    name: options.name ?? 'smtp.postern.test',
    secure: options.tls === 'implicit',
    ...(options.certs ? { key: options.certs.key, cert: options.certs.cert } : {}),
    ...(options.tls === 'none' ? { disabledCommands: ['STARTTLS'], allowInsecureAuth: true } : {}),
    authMethods: options.xoauth2 ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
    logger: false,
    closeTimeout: 200,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      const user = auth.username;
      const ok =
        auth.method === 'XOAUTH2'
          ? Boolean(user && auth.accessToken && options.xoauth2?.(user, auth.accessToken))
          : Boolean(user && Object.hasOwn(options.users, user) && options.users[user] === auth.password);
      authAttempts.push({ method: auth.method, user, ok });
      if (!ok) {
        if (auth.method === 'XOAUTH2') {
          return callback(null, {
            data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' },
          });
        }
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
      callback(null, { user });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: address(session.envelope.mailFrom),
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  server.on('error', () => {}); // client misbehaviour (bad TLS, resets) is what the tests provoke
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    host: '127.0.0.1',
    port,
    messages,
    authAttempts,
    connections: () => connections,
    close() {
      closed ??= new Promise((resolve) => server.close(() => resolve()));
      return closed;
    },
  };
}
