// Debian's Dovecot 2.3 as a throwaway IMAP server for tests. Started in the foreground (`dovecot -F`)
// as a child process from a config in a temporary folder: its own base_dir, state_dir and log, a
// passwd-file of `users`, maildirs under the folder, `ssl = required` with the given certificate,
// and two listeners on free high ports of 127.0.0.1 (implicit TLS and STARTTLS; never 143/993).
//
// Users: Dovecot refuses uid 0 for mail processes, so as root the mail processes run as the package's
// `dovecot` user (internal processes `dovecot`, login processes `dovenull`) and the maildirs belong
// to it; as another user everything runs as that user. close() stops the master (SIGTERM, which
// stops its children; SIGKILL after 5 s) and removes the folder; a process exit hook does the same.
//
//   const imap = await startDovecot({ users: { alice: 'pw' }, certs });
//   await imap.deliver('alice', rawMime);                          // into INBOX (maildir new/)
//   await imap.deliver('alice', rawMime, { folder: 'Junk', date }); // arrival time = date
//   await imap.close();
//
// `oauth2: { introspectionUrl }` adds XOAUTH2/OAUTHBEARER: a second passdb (driver oauth2) asks the
// given RFC 7662 endpoint (POST token=…) and accepts the login when it answers `active: true` with a
// `username` equal to the login name. Password users stay first in line and keep working.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type { KeyAndCertificate } from './certificates.ts';
import { freePort, waitForPort } from './ports.ts';

export interface TestDovecot {
  host: '127.0.0.1';
  /** Implicit TLS listener. */
  port: number;
  /** Plain listener that offers STARTTLS (and LOGINDISABLED until TLS is on). */
  starttlsPort: number;
  /** Writes a message into the user's maildir (`folder` default INBOX; `date` sets INTERNALDATE). */
  deliver(user: string, raw: string | Buffer, options?: { folder?: string; date?: Date }): Promise<void>;
  /** Dovecot's log (errors explain a failing login). */
  log(): string;
  close(): Promise<void>;
}

export interface StartDovecotOptions {
  users: Record<string, string>;
  certs: KeyAndCertificate;
  /** Accept XOAUTH2/OAUTHBEARER tokens checked at this introspection endpoint (plain http on 127.0.0.1). */
  oauth2?: { introspectionUrl: string };
}

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

function ids(name: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim()),
  };
}

function config(
  dir: string,
  ports: { tls: number; plain: number },
  users: { mail: string; internal: string; login: string; uid: number },
  oauth2: boolean,
) {
  return `# Written by @postern/mailer/testing for one test run.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login${oauth2 ? ' xoauth2 oauthbearer' : ''}
# Tests provoke wrong passwords: no 2-second penalty each.
auth_failure_delay = 0
${oauth2 ? '# Say why an oauth2 login failed (never the token).\nauth_verbose = yes\n' : ''}
default_internal_user = ${users.internal}
default_login_user = ${users.login}
# System users (the package's dovecot user is one) sit below the default first_valid_uid of 500.
first_valid_uid = ${users.uid}
mail_location = maildir:${dir}/mail/%u
namespace inbox {
  inbox = yes
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
${
  oauth2
    ? `# A token is not a password: after passwd-file says no, the introspection endpoint decides.
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf
}
`
    : ''
}userdb {
  driver = static
  args = uid=${users.mail} gid=${users.mail} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.plain}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${ports.tls}
    ssl = yes
  }
}
`;
}

/** The oauth2 passdb's settings: RFC 7662 introspection by POST, `username` must name the login. */
function writeOAuth2Conf(dir: string, introspectionUrl: string): void {
  const url = new URL(introspectionUrl);
  if (!/^https?:$/.test(url.protocol) || /\s/.test(introspectionUrl))
    throw new Error('startDovecot: oauth2.introspectionUrl must be an http(s) URL');
  const settings = [
    `introspection_url = ${url.href}`,
    'introspection_mode = post',
    'force_introspection = yes',
    'username_attribute = username',
    'active_attribute = active',
    'active_value = true',
  ];
  writeFileSync(path.join(dir, 'oauth2.conf'), `${settings.join('\n')}\n`, { mode: 0o644 });
}

const running = new Set<ChildProcess>();
let exitHook = false;

export async function startDovecot(options: StartDovecotOptions): Promise<TestDovecot> {
  if (!existsSync(DOVECOT_BINARY))
    throw new Error(`startDovecot: ${DOVECOT_BINARY} is missing (apt-get install dovecot-imapd)`);
  for (const [user, pass] of Object.entries(options.users)) {
    if (!/^[a-z0-9._@-]+$/i.test(user) || /[:\n]/.test(pass))
      throw new Error(`startDovecot: unusable test user ${user}`);
  }
  const me = userInfo().username;
  const root = process.getuid?.() === 0;
  const users = root
    ? { mail: 'dovecot', internal: 'dovecot', login: 'dovenull' }
    : { mail: me, internal: me, login: me };
  const owner = ids(users.mail);
  const dir = mkdtempSync(path.join(tmpdir(), 'postern-dovecot-'));
  // The auth process runs as the internal user: it must reach the passwd file.
  chmodSync(dir, 0o711);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(path.join(dir, sub));
  chownSync(path.join(dir, 'mail'), owner.uid, owner.gid);
  writeFileSync(path.join(dir, 'cert.pem'), options.certs.cert);
  writeFileSync(path.join(dir, 'key.pem'), options.certs.key, { mode: 0o600 });
  const passwd = Object.entries(options.users)
    .map(([u, p]) => `${u}:{PLAIN}${p}::::::`)
    .join('\n');
  writeFileSync(path.join(dir, 'passwd'), `${passwd}\n`, { mode: 0o644 });
  if (options.oauth2) writeOAuth2Conf(dir, options.oauth2.introspectionUrl);

  let child: ChildProcess | null = null;
  let ports = { tls: 0, plain: 0 };
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    ports = { tls: await freePort(), plain: await freePort() };
    writeFileSync(
      path.join(dir, 'dovecot.conf'),
      config(dir, ports, { ...users, uid: owner.uid }, Boolean(options.oauth2)),
    );
    const started = spawn(DOVECOT_BINARY, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'ignore' });
    running.add(started);
    started.once('exit', () => running.delete(started));
    try {
      await Promise.all([waitForPort(ports.tls, 10_000), waitForPort(ports.plain, 10_000)]);
      child = started;
    } catch {
      await stop(started);
    }
  }
  const log = () =>
    existsSync(path.join(dir, 'dovecot.log')) ? readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
  if (!child) {
    const text = log();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`startDovecot: Dovecot did not start:\n${text}`);
  }
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const p of running) p.kill('SIGKILL');
    });
  }
  const master = child;
  let closing: Promise<void> | null = null;
  return {
    host: '127.0.0.1',
    port: ports.tls,
    starttlsPort: ports.plain,
    async deliver(user, raw, deliverOptions = {}) {
      const folder =
        deliverOptions.folder && deliverOptions.folder.toUpperCase() !== 'INBOX'
          ? `.${deliverOptions.folder}`
          : '';
      const base = path.join(dir, 'mail', user);
      const box = folder ? path.join(base, folder) : base;
      for (const d of [base, box, path.join(box, 'new'), path.join(box, 'cur'), path.join(box, 'tmp')]) {
        if (!existsSync(d)) {
          mkdirSync(d);
          chownSync(d, owner.uid, owner.gid);
        }
      }
      const file = path.join(box, 'new', `${Date.now()}.${randomBytes(6).toString('hex')}.postern-test`);
      writeFileSync(file, raw);
      chownSync(file, owner.uid, owner.gid);
      if (deliverOptions.date) utimesSync(file, deliverOptions.date, deliverOptions.date);
    },
    log,
    close() {
      closing ??= stop(master).then(() => rmSync(dir, { recursive: true, force: true }));
      return closing;
    },
  };
}

/** SIGTERM (the master stops its children), SIGKILL after 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
