// Whether this machine can open outbound SMTP connections at all (port 25 is often blocked).
import { type HostResolver, SmtpConnection, SmtpError } from './connection.ts';
import { messageOf } from './reply.ts';

export interface SelfCheckResult {
  port25Open: boolean;
  detail: string;
}

/** A well-known MX answering on port 25, for the self-check. */
export const SELF_CHECK_HOST = 'gmail-smtp-in.l.google.com';

function unreachable(host: string, port: number, timeoutMs: number, error: unknown): SelfCheckResult {
  const target = `${host} port ${port}`;
  const smtpError = error instanceof SmtpError ? error : null;
  if (smtpError?.kind === 'timeout') {
    return {
      port25Open: false,
      detail: `no TCP connection to ${target} within ${timeoutMs} ms: outbound port ${port} looks blocked (many cloud providers and ISPs block it), so SMTP probes will report unknown`,
    };
  }
  if (smtpError?.code === 'ECONNREFUSED') {
    return {
      port25Open: false,
      detail: `connection to ${target} refused (ECONNREFUSED): outbound port ${port} is blocked or nothing listens there`,
    };
  }
  if (smtpError?.code === 'ENOTFOUND' || smtpError?.code === 'EAI_AGAIN') {
    return {
      port25Open: false,
      detail: `could not resolve ${host} (${smtpError.code}): DNS failed, port ${port} was not tested`,
    };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return { port25Open: false, detail: `cannot reach ${target}: ${reason}` };
}

export async function selfCheck(
  host: string,
  port: number,
  timeoutMs: number,
  resolveHost: HostResolver | undefined,
): Promise<SelfCheckResult> {
  const target = `${host} port ${port}`;
  let conn: SmtpConnection;
  try {
    conn = await SmtpConnection.connect(host, port, timeoutMs, resolveHost);
  } catch (error) {
    return unreachable(host, port, timeoutMs, error);
  }
  try {
    const greeting = await conn.read(timeoutMs, 'greeting');
    await conn.quit(timeoutMs);
    return {
      port25Open: true,
      detail: `connected to ${target}; greeting ${greeting.code} ${messageOf(greeting)}`.trim(),
    };
  } catch {
    conn.destroy();
    return {
      port25Open: true,
      detail: `TCP connection to ${target} works, but no SMTP greeting came within ${timeoutMs} ms`,
    };
  }
}
