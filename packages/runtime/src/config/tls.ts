// Transport security and disclosure: the API's own HTTPS (certificate and key files) and what
// /.well-known/security.txt announces (RFC 9116).
import { z } from 'zod';
import { urlWithProtocols } from './fields.ts';

export const tlsEnv = z.object({
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  SECURITY_CONTACT: urlWithProtocols(['mailto:', 'https:'], 'mailto:security@example.com').optional(),
  SECURITY_TXT_EXPIRES_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(364, 'must be under a year (RFC 9116)')
    .default(180),
  SECURITY_POLICY_URL: urlWithProtocols(['https:'], 'https://example.com/security-policy').optional(),
});

export interface TlsConfig {
  /** Both files set: the API serves HTTPS itself (TLS 1.3 only). Unset: plain HTTP behind a proxy. */
  tls: { certFile: string; keyFile: string } | undefined;
  securityTxt: { contact: string; expiresDays: number; policyUrl: string | undefined };
}

/** One of the two files without the other is a mistake, not a request for plain HTTP. */
export function tlsIssue(e: z.output<typeof tlsEnv>): { setting: string; message: string } | undefined {
  if (e.TLS_CERT_FILE && !e.TLS_KEY_FILE)
    return { setting: 'TLS_KEY_FILE', message: 'is required with TLS_CERT_FILE' };
  if (e.TLS_KEY_FILE && !e.TLS_CERT_FILE)
    return { setting: 'TLS_CERT_FILE', message: 'is required with TLS_KEY_FILE' };
  return undefined;
}

export function tlsSettings(e: z.output<typeof tlsEnv>, publicUrl: string): TlsConfig {
  return {
    tls:
      e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined,
    securityTxt: {
      contact: e.SECURITY_CONTACT ?? `mailto:security@${new URL(publicUrl).hostname}`,
      expiresDays: e.SECURITY_TXT_EXPIRES_DAYS,
      policyUrl: e.SECURITY_POLICY_URL,
    },
  };
}
